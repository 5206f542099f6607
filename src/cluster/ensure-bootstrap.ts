// The one effect of a bootstrap: the internal Offline AuroraRestore that writes the backup into the new log, so
// every safety check of a restore (SHA-256, decode, lock, recovery-tool alone, snapshot before all start) applies.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestoreSpec } from '../api/aurora-restore.ts';
import { BOOTSTRAP_OF_LABEL, bootstrapRestoreName } from '../api/bootstrap-spec.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import { buildOwnerReference } from '../resources/labels.ts';

type RestoreSpecInput = Pick<AuroraRestoreSpec, 'cluster' | 'backupId' | 'strategy' | 'acceptBackupAge'> & {
  source: { objectStore: Record<string, never> };
};

/** buildBootstrapRestore: owned by the cluster, so deleting the cluster collects it. */
export function buildBootstrapRestore(cluster: AuroraCluster) {
  const from = cluster.spec.bootstrap?.fromBackup;
  if (!from) throw new Error(`AuroraCluster ${cluster.metadata.name} has no spec.bootstrap`);
  const owner = buildOwnerReference(cluster);
  const spec: RestoreSpecInput = {
    cluster: cluster.metadata.name,
    backupId: from.backupId,
    source: { objectStore: {} },
    strategy: 'Offline',
    // a new cluster has nothing a stale backup could kill, and an old backup is all a disaster may leave
    acceptBackupAge: true,
  };
  return {
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
    metadata: {
      name: bootstrapRestoreName(cluster.metadata.name),
      namespace: cluster.metadata.namespace ?? 'default',
      labels: { [BOOTSTRAP_OF_LABEL]: cluster.metadata.name },
      ...(owner ? { ownerReferences: [owner] } : {}),
    },
    spec,
  };
}

export async function ensureBootstrapRestore(
  cluster: AuroraCluster,
  deps: { kube: KubeClient; log: Logger },
): Promise<void> {
  const restore = buildBootstrapRestore(cluster);
  await deps.kube.apply(restore);
  deps.log.info(
    { restore: restore.metadata.name, backupId: restore.spec.backupId },
    'Created the AuroraRestore that bootstraps the replicated log from a backup',
  );
}
