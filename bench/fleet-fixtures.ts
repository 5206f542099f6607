// Synthetic clusters, observations and Aurora snapshots for the benchmarks.
import { AuroraCluster } from '../src/api/aurora-cluster.ts';
import type { ObservedCluster } from '../src/cluster/observed.ts';
import { LEADER_ROLE, ROLE_LABEL } from '../src/resources/names.ts';
import { ScheduleStatus } from '../src/thrift/api-types.ts';

export function syntheticCluster(i: number): AuroraCluster {
  return AuroraCluster.parse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name: `cluster-${i}`, namespace: 'bench', generation: 1, uid: `uid-${i}` },
    spec: {
      clusterName: `cluster-${i}`,
      replicas: 3,
      zookeeper: { endpoints: ['127.0.3.1:2181'] },
      mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
    },
  });
}

export function syntheticObservation(i: number): ObservedCluster {
  const pods = [0, 1, 2].map((ordinal) => ({
    name: `cluster-${i}-${ordinal}`,
    ordinal,
    uid: `pod-${i}-${ordinal}`,
    podIP: `127.2.${i % 250}.${ordinal + 2}`,
    phase: 'Running',
    ready: true,
    deleting: false,
    revision: 'rev-1',
    restarts: 0,
    labels: ordinal === 0 ? { [ROLE_LABEL]: LEADER_ROLE } : {},
    probe: {
      healthy: true,
      lifecycle: ordinal === 0 ? ('ACTIVE' as const) : ('STORAGE_PREPARED' as const),
      frameworkRegistered: ordinal === 0,
      leaderHealth: ordinal === 0 ? ('leading' as const) : ('not-leading' as const),
      logRecovered: true,
    },
  }));
  return {
    statefulSet: { exists: true, replicas: 3, updateRevision: 'rev-1' },
    pods,
    serverset: { members: [{ node: 'member_0000000001', host: `127.2.${i % 250}.2`, port: 8081 }] },
  };
}

export function syntheticSnapshot(tasks: number): Record<string, unknown> {
  return {
    timestamp: 1_700_000_000_000,
    tasks: Array.from({ length: tasks }, (_, n) => ({
      assignedTask: {
        taskId: `role-env-job-${n % 100}-${n}-0a1b2c3d`,
        instanceId: n % 100,
        slaveHost: `agent-${n % 50}`,
        task: { job: { role: `role-${n % 10}`, environment: 'prod', name: `job-${n % 100}` } },
      },
      status: ScheduleStatus.RUNNING,
      taskEvents: [
        { timestamp: 1, status: ScheduleStatus.PENDING, message: 'created' },
        { timestamp: 2, status: ScheduleStatus.RUNNING, message: 'started' },
      ],
    })),
    schedulerMetadata: { frameworkId: 'framework-1', details: {} },
  };
}
