// A parsed AuroraCluster for builder tests, with overridable spec fields.
import { AuroraCluster, type AuroraClusterSpecInput } from '../../../src/api/aurora-cluster.ts';

export function makeCluster(
  spec: Partial<AuroraClusterSpecInput> = {},
  uid: string | null = 'uid-1',
): AuroraCluster {
  return AuroraCluster.parse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name: 'example', namespace: 'aurora', ...(uid ? { uid } : {}) },
    spec: {
      clusterName: 'example',
      replicas: 3,
      zookeeper: { endpoints: ['127.0.3.1:2181'] },
      mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
      ...spec,
    },
  });
}
