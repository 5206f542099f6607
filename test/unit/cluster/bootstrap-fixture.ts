// A new cluster in aurora-dr that bootstraps from the old cluster's prefix of the same store.
import { AuroraCluster, type AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { cluster } from './fixtures.ts';

const STORE = { endpoint: 'http://127.0.0.1:7070', bucket: 'backups', forcePathStyle: true };

/** bootstrapCluster: with bootstrap false, the same cluster without spec.bootstrap. */
export function bootstrapCluster(status?: AuroraClusterStatus, bootstrap = true): AuroraCluster {
  const base = cluster();
  const source = { ...STORE, prefix: 'aurora/example/' };
  return AuroraCluster.parse({
    ...base,
    metadata: { name: 'example', namespace: 'aurora-dr', generation: 1, uid: 'u-dr' },
    spec: {
      ...base.spec,
      backup: { ...base.spec.backup, objectStore: STORE },
      ...(bootstrap ? { bootstrap: { fromBackup: { backupId: 'latest', objectStore: source } } } : {}),
    },
    ...(status ? { status } : {}),
  });
}
