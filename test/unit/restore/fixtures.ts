// Observed-world fixtures for the restore step tables: a cluster, a restore, and worlds before and after each step.
import { AuroraRestore, type AuroraRestoreStatus } from '../../../src/api/aurora-restore.ts';
import type { Situation, World, WorldPod } from '../../../src/restore/world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';

export const UID = 'r-uid';
export const BACKUP = 'scheduler-backup-2024-01-31-23-00';

export function makeRestore(
  spec: Record<string, unknown> = {},
  status: AuroraRestoreStatus = {},
): AuroraRestore {
  return AuroraRestore.parse({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraRestore',
    metadata: { name: 'r1', namespace: 'aurora', uid: UID },
    spec: { cluster: 'example', backupId: BACKUP, ...spec },
    status,
  });
}

export function pod(ordinal: number, extra: Partial<WorldPod> = {}): WorldPod {
  return {
    name: `example-${ordinal}`,
    ordinal,
    uid: `pod-${ordinal}`,
    podIP: `127.0.9.${ordinal + 1}`,
    phase: 'Running',
    ready: true,
    deleting: false,
    revision: 'rev-normal',
    markers: [],
    backups: [],
    healthy: true,
    lifecycle: ordinal === 0 ? 'ACTIVE' : 'STORAGE_PREPARED',
    frameworkRegistered: ordinal === 0,
    ...extra,
  };
}

export function runningWorld(extra: Partial<World> = {}): World {
  return {
    cluster: makeCluster(),
    clusterReady: true,
    statefulSet: { exists: true, replicas: 3, mode: 'normal', synced: true, updateRevision: 'rev-normal' },
    pods: [0, 1, 2].map((i) => pod(i)),
    networkPolicy: false,
    ...extra,
  };
}

export function situation(world: World, restore = makeRestore()): Situation {
  return { restore, world };
}

/** finished marks steps as checkpointed in the timeline. */
export function finished(...steps: string[]): AuroraRestoreStatus {
  return { timeline: steps.map((step) => ({ step, startedAt: 't', finishedAt: 't' })) };
}
