// The cluster side of the restore lock: never overwrite a StatefulSet a restore changed, and free a lock whose
// AuroraRestore is gone or finished.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';

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

/** ensureLockReleased frees a dangling lock; the resourceVersion makes a restore that re-took it meanwhile win. */
export async function ensureLockReleased(
  cluster: AuroraCluster,
  holder: string,
  why: string,
  kube: KubeClient,
): Promise<void> {
  const ref = {
    apiVersion: API_VERSION,
    kind: AURORA_CLUSTER.kind,
    namespace: cluster.metadata.namespace ?? 'default',
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  };
  await kube.mergePatch(ref, {
    metadata: {
      resourceVersion: cluster.metadata.resourceVersion,
      annotations: { [RESTORE_LOCK_ANNOTATION]: null },
    },
  });
  const message =
    `Released the restore lock: AuroraRestore ${holder} ${why}. If it was removed mid-restore, check the ` +
    'scheduler logs; pre-restore logs moved aside by it stay on the backup volumes.';
  await kube.recordEvent({ regarding: ref, type: 'Warning', reason: 'DanglingRestoreLock', message });
}
