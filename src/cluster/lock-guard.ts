// The cluster side of the restore lock: never overwrite a StatefulSet a restore changed, and free a lock whose
// AuroraRestore is gone.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';

export interface LockGuardDeps {
  kube: KubeClient;
  /** reads the AuroraRestore from the API server (not a cache): undefined when it does not exist */
  getRestore?(namespace: string, name: string): Promise<unknown>;
}

/**
 * withStatefulSetPrecondition pins the StatefulSet write to the version this pass observed: if a restore wrote it
 * since (after taking the lock this pass did not see), the API server refuses the write with a conflict.
 */
export function withStatefulSetPrecondition<T extends KubernetesObject>(
  obj: T,
  observedResourceVersion: string | undefined,
): T {
  if (obj.kind !== 'StatefulSet' || !observedResourceVersion) return obj;
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: observedResourceVersion } };
}

const FINISHED = new Set(['Succeeded', 'Cancelled']);

/** planLockRelease: a lock is dangling when its AuroraRestore no longer exists or has finished without unlocking. */
export function planLockRelease(restore: unknown): string | undefined {
  if (restore === undefined) return 'no longer exists';
  const phase = (restore as { status?: { phase?: string } }).status?.phase;
  return phase && FINISHED.has(phase) ? `has finished (${phase}) but still holds the lock` : undefined;
}

/** ensureDanglingLockReleased returns the reason when it released the lock, undefined when the lock is live. */
export async function ensureDanglingLockReleased(
  cluster: AuroraCluster,
  holder: string,
  deps: LockGuardDeps,
): Promise<string | undefined> {
  if (!deps.getRestore) return undefined;
  const namespace = cluster.metadata.namespace ?? 'default';
  const why = planLockRelease(await deps.getRestore(namespace, holder));
  if (!why) return undefined;
  const ref = {
    apiVersion: API_VERSION,
    kind: AURORA_CLUSTER.kind,
    namespace,
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  };
  // the resourceVersion makes a restore that re-took the lock meanwhile win over this release
  await deps.kube.mergePatch(ref, {
    metadata: {
      resourceVersion: cluster.metadata.resourceVersion,
      annotations: { [RESTORE_LOCK_ANNOTATION]: null },
    },
  });
  const message =
    `Released the restore lock: AuroraRestore ${holder} ${why}. If it was removed mid-restore, check the ` +
    'scheduler logs; pre-restore logs moved aside by it stay on the backup volumes.';
  await deps.kube.recordEvent({ regarding: ref, type: 'Warning', reason: 'DanglingRestoreLock', message });
  return message;
}
