// The AuroraRestore as an object reference, and the events recorded on it; an event that cannot be recorded is
// logged, never a fault of the restore.
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import type { ObjectRef } from '../k8s/kube-client.ts';
import type { RestoreEffects } from './step.ts';

export function refOf(restore: AuroraRestore): ObjectRef {
  return {
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
    namespace: restore.metadata.namespace ?? 'default',
    name: restore.metadata.name,
    uid: restore.metadata.uid,
  };
}

export async function recordRestoreEvent(
  fx: Pick<RestoreEffects, 'kube' | 'log'>,
  restore: AuroraRestore,
  warn: boolean,
  reason: string,
  message: string,
): Promise<void> {
  await fx.kube
    .recordEvent({ regarding: refOf(restore), type: warn ? 'Warning' : 'Normal', reason, message })
    .catch((err: unknown) => fx.log.warn({ err }, 'Could not record an event'));
}
