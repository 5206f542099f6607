// Builders of observed pods and clusters for the reconciler's pure functions.
import { AuroraCluster, type AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import type { SchedulerProbe } from '../../../src/aurora/scheduler-probe.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import type { ObservedPod } from '../../../src/k8s/observed-pod.ts';

export function cluster(status?: AuroraClusterStatus, replicas = 3): AuroraCluster {
  return AuroraCluster.parse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name: 'example', namespace: 'aurora', generation: 2, uid: 'u1' },
    spec: {
      clusterName: 'example',
      replicas,
      zookeeper: { endpoints: ['127.0.3.1:2181'] },
      mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
    },
    ...(status ? { status } : {}),
  });
}

export const leaderProbe: SchedulerProbe = {
  healthy: true,
  lifecycle: 'ACTIVE',
  frameworkRegistered: true,
  leaderHealth: 'leading',
  logRecovered: true,
};

export const followerProbe: SchedulerProbe = {
  healthy: true,
  lifecycle: 'STORAGE_PREPARED',
  frameworkRegistered: false,
  leaderHealth: 'not-leading',
  logRecovered: true,
};

export function pod(ordinal: number, overrides: Partial<ObservedPod> = {}): ObservedPod {
  return {
    name: `example-${ordinal}`,
    ordinal,
    uid: `uid-${ordinal}`,
    podIP: `127.2.0.${ordinal + 2}`,
    phase: 'Running',
    ready: true,
    deleting: false,
    revision: 'rev-1',
    restarts: 0,
    labels: {},
    probe: ordinal === 0 ? leaderProbe : followerProbe,
    ...overrides,
  };
}

export function healthyObserved(): ObservedCluster {
  return {
    statefulSet: { exists: true, replicas: 3, updateRevision: 'rev-1' },
    pods: [pod(0), pod(1), pod(2)],
    serverset: { members: [{ node: 'member_0000000001', host: '127.2.0.2', port: 8081 }] },
  };
}
