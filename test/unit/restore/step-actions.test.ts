// Each step's action against the in-memory API server: what it leaves stored, and which writes a stale view refuses.
import type { V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import type { AuroraRestore } from '../../../src/api/aurora-restore.ts';
import { RESTORE_LOCK_ANNOTATION, SCHEDULER_MODE_ANNOTATION } from '../../../src/api/contracts.ts';
import type { AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import { isConflict } from '../../../src/k8s/errors.ts';
import { createLogger } from '../../../src/log.ts';
import type { SchedulerMode } from '../../../src/resources/scheduler-args.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { CANCEL_STEPS } from '../../../src/restore/cancel-steps.ts';
import { OFFLINE_STEPS } from '../../../src/restore/offline-steps.ts';
import { STAGED_STEPS } from '../../../src/restore/staged-steps.ts';
import type { RestoreStep, StepContext } from '../../../src/restore/step.ts';
import { digestTaskIds } from '../../../src/restore/task-digest.ts';
import type { World, WorldPod } from '../../../src/restore/world.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore, pod, runningWorld, UID } from './fixtures.ts';

const step = (table: readonly RestoreStep[], name: string): RestoreStep => {
  const found = table.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
};
const ref = (kind: string, name: string, apiVersion = 'v1') => ({
  apiVersion,
  kind,
  namespace: 'aurora',
  name,
});
const CLUSTER = ref('AuroraCluster', 'example', 'aurora-operator.io/v1alpha1');
const STS = ref('StatefulSet', 'example', 'apps/v1');
const RESTORE_CM = ref('ConfigMap', 'example-restore');

/** an API server holding the cluster (with a foreign annotation) and the restore */
function server(restore = makeRestore()) {
  const kube = new MemoryKube();
  const cluster = makeCluster();
  cluster.metadata.annotations = { team: 'payments' };
  kube.put(cluster);
  kube.put(restore);
  return kube;
}

const storedCluster = (kube: MemoryKube) => kube.get<AuroraCluster>(CLUSTER) as AuroraCluster;
const storedSts = (kube: MemoryKube) => kube.get<V1StatefulSet>(STS);
const modeOf = (sts: V1StatefulSet | undefined) => sts?.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION];

function ctxOf(kube: MemoryKube, world: World, restore: AuroraRestore, trail: string[] = []): StepContext {
  let status = restore.status ?? {};
  const admin = {
    commitRecovery: async () => void trail.push('commitRecovery'),
    getTasksWithoutConfigs: async (q: { limit?: number }) => void trail.push(`read storage limit=${q.limit}`),
  } as unknown as AuroraAdminClient;
  return {
    restore,
    world,
    fx: {
      kube,
      agents: () => Promise.reject(new Error('no agents in this test')),
      admin: () => admin,
      operatorPeer: { namespace: 'ops', matchLabels: { app: 'op' } },
      log: createLogger('test', 'silent'),
      now: () => new Date('2024-02-01T00:00:00.000Z'),
    },
    saveStatus: async (patch, window) => {
      trail.push(`saveStatus ${Object.keys(patch).join(',')}`);
      status = { ...status, ...patch };
      await kube.applyStatus({ ...CLUSTER, kind: 'AuroraRestore', name: restore.metadata.name }, status);
      if (window) trail.push(`fault ${window}`);
    },
  };
}

/** the world as observed from the store: the cluster object and its lock fields */
function seen(kube: MemoryKube, extra: Partial<World> = {}): World {
  const cluster = storedCluster(kube);
  const holder = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
  const ack = cluster.status?.lock?.restore;
  return runningWorld({
    cluster,
    ...(holder ? { lockHolder: holder } : {}),
    ...(ack ? { lockAcknowledged: ack } : {}),
    ...extra,
  });
}

async function refused(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable('the write should have conflicted'),
    (err: unknown) => err,
  );
}

test('Lock writes the annotation pinned to the observed resourceVersion: of two racing restores one wins', async () => {
  const kube = server();
  const lock = step(STAGED_STEPS, 'Lock');
  const world = seen(kube);
  const r2 = makeRestore();
  r2.metadata.name = 'r2';
  await performStep(lock, ctxOf(kube, world, makeRestore()));
  assert.equal(storedCluster(kube).metadata.annotations, {
    team: 'payments',
    [RESTORE_LOCK_ANNOTATION]: 'r1',
  });
  // r2 observed the cluster at the same version: its write conflicts instead of taking the lock over
  assert.ok(isConflict(await refused(performStep(lock, ctxOf(kube, world, r2)))));
  assert.is(storedCluster(kube).metadata.annotations?.[RESTORE_LOCK_ANNOTATION], 'r1');
  // a fresh view of the held lock makes r2 wait without writing
  const writes = kube.writes.length;
  const waiting = await performStep(lock, ctxOf(kube, seen(kube), r2));
  assert.match(waiting.message ?? '', /AuroraRestore r1 holds the cluster/);
  assert.is(kube.writes.length, writes);
});

test('Lock refuses a stale view after another writer touched the cluster', async () => {
  const kube = server();
  const stale = seen(kube);
  kube.put({ ...storedCluster(kube), status: { phase: 'Running' } });
  assert.ok(
    isConflict(await refused(performStep(step(STAGED_STEPS, 'Lock'), ctxOf(kube, stale, makeRestore())))),
  );
  assert.is(storedCluster(kube).metadata.annotations?.[RESTORE_LOCK_ANNOTATION], undefined);
});

test('Lock is not done until the cluster status acknowledges it, and re-running it meanwhile writes nothing', async () => {
  const kube = server();
  const lock = step(STAGED_STEPS, 'Lock');
  await performStep(lock, ctxOf(kube, seen(kube), makeRestore()));
  const unacknowledged = seen(kube);
  assert.is(unacknowledged.lockHolder, 'r1');
  assert.not.ok(lock.done({ restore: makeRestore(), world: unacknowledged }));
  const writes = kube.writes.length;
  const again = await performStep(lock, ctxOf(kube, unacknowledged, makeRestore()));
  assert.match(again.message ?? '', /waiting for the cluster controller to acknowledge/);
  assert.is(kube.writes.length, writes);
  kube.put({ ...storedCluster(kube), status: { lock: { restore: 'r1', since: 't' } } });
  assert.ok(lock.done({ restore: makeRestore(), world: seen(kube) }));
});

test('StopSchedulers scales to 0 and keeps the mode the StatefulSet is in', async () => {
  for (const mode of ['normal', 'recovery'] as SchedulerMode[]) {
    const kube = server();
    kube.put(buildStatefulSet(makeCluster(), { mode, replicas: 3 }));
    const world = seen(kube, { statefulSet: { exists: true, replicas: 3, mode, synced: true } });
    await performStep(step(STAGED_STEPS, 'StopSchedulers'), ctxOf(kube, world, makeRestore()));
    assert.is(storedSts(kube)?.spec?.replicas, 0);
    assert.is(modeOf(storedSts(kube)), mode);
  }
});

test('Configure stores the wipe instruction and the partially disabled StatefulSet with 0 replicas', async () => {
  const kube = server();
  kube.put(buildStatefulSet(makeCluster(), { replicas: 0 }));
  await performStep(step(STAGED_STEPS, 'Configure'), ctxOf(kube, seen(kube, { pods: [] }), makeRestore()));
  assert.equal(kube.get<V1ConfigMap>(RESTORE_CM)?.data, {
    restoreId: UID,
    action: 'wipe',
    backupId: BACKUP,
    recoverOrdinal: '-1',
  });
  assert.is(modeOf(storedSts(kube)), 'recovery');
  assert.is(storedSts(kube)?.spec?.replicas, 0);
});

test('Offline Configure stores wipe-and-recover on ordinal 0 and a normal StatefulSet with 0 replicas', async () => {
  const kube = server();
  await performStep(
    step(OFFLINE_STEPS, 'Configure'),
    ctxOf(kube, seen(kube, { pods: [] }), makeRestore({ strategy: 'Offline' })),
  );
  const data = kube.get<V1ConfigMap>(RESTORE_CM)?.data;
  assert.is(data?.['action'], 'wipe-and-recover');
  assert.is(data?.['recoverOrdinal'], '0');
  assert.is(modeOf(storedSts(kube)), 'normal');
  assert.is(storedSts(kube)?.spec?.replicas, 0);
});

test('Offline Recover scales to 1 only when no other scheduler is left', async () => {
  const recover = step(OFFLINE_STEPS, 'Recover');
  const restore = makeRestore({ strategy: 'Offline' });
  const cases: Array<[WorldPod[], number]> = [
    [[pod(0), pod(1)], 0],
    [[pod(2)], 0],
    [[pod(0)], 1],
    [[], 1],
  ];
  for (const [pods, replicas] of cases) {
    const kube = server(restore);
    await performStep(recover, ctxOf(kube, seen(kube, { pods }), restore));
    assert.is(storedSts(kube)?.spec?.replicas, replicas, pods.map((p) => p.name).join(',') || 'no pods');
  }
});

test('CommitPoint and Commit record commitRequestedAt through saveStatus before anything else', async () => {
  const offline = makeRestore({ strategy: 'Offline' });
  const kube = server(offline);
  const trail: string[] = [];
  await performStep(step(OFFLINE_STEPS, 'CommitPoint'), ctxOf(kube, seen(kube), offline, trail));
  assert.equal(trail, ['saveStatus commitRequestedAt', 'fault intent']);
  assert.equal(kube.writes, ['applyStatus AuroraRestore aurora/r1']);
  assert.is(
    kube.get<AuroraRestore>({ ...CLUSTER, kind: 'AuroraRestore', name: 'r1' })?.status?.commitRequestedAt,
    '2024-02-01T00:00:00.000Z',
  );

  const staged = makeRestore(
    {},
    { leader: 'example-1', staged: { taskCount: 1, digest: digestTaskIds(['t1']) } },
  );
  const world = seen(server(staged), {
    pods: [pod(1, { lifecycle: 'LEADER_AWAITING_REGISTRATION' })],
    staged: { kind: 'staged', taskIds: ['t1'], jobKeys: [] },
  });
  const stagedTrail: string[] = [];
  await performStep(step(STAGED_STEPS, 'Commit'), ctxOf(server(staged), world, staged, stagedTrail));
  assert.equal(stagedTrail, [
    'saveStatus commitRequestedAt,commitAttempts',
    'fault intent',
    'read storage limit=1',
    'commitRecovery',
    'saveStatus commitAttempts,commitSentTo',
  ]);
});

function podObject(ordinal: number, uid: string, revision: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `example-${ordinal}`,
      namespace: 'aurora',
      uid,
      labels: { 'controller-revision-hash': revision },
    },
  };
}

test('RestoreConfiguration: ConfigMap gone, normal StatefulSet, only old-revision pods deleted, uid-checked', async () => {
  const restoreConfiguration = step(STAGED_STEPS, 'RestoreConfiguration');
  const normal = {
    exists: true,
    replicas: 3,
    mode: 'normal' as const,
    synced: true,
    updateRevision: 'rev-normal',
  };
  const pods = [pod(0, { revision: 'rev-recovery' }), pod(1), pod(2, { revision: 'rev-recovery' })];
  const kube = server();
  kube.put({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'example-restore', namespace: 'aurora' },
  });
  kube.put(buildStatefulSet(makeCluster(), { mode: 'recovery', replicas: 3 }));
  pods.forEach((p) => kube.put(podObject(p.ordinal, p.uid, p.revision ?? '')));
  // example-2 was replaced since the pass observed it: the new pod must survive the stale delete
  kube.put(podObject(2, 'pod-2-replacement', 'rev-normal'));
  const err = await refused(
    performStep(restoreConfiguration, ctxOf(kube, seen(kube, { statefulSet: normal, pods }), makeRestore())),
  );
  assert.ok(isConflict(err));
  assert.is(kube.get(RESTORE_CM), undefined);
  assert.is(modeOf(storedSts(kube)), 'normal');
  assert.is(storedSts(kube)?.spec?.replicas, 3);
  assert.equal(
    kube.list<{ metadata: { uid: string } }>('Pod').map((p) => p.metadata.uid),
    ['pod-1', 'pod-2-replacement'],
  );
  assert.ok(kube.writes.includes('delete Pod aurora/example-0'));
  assert.not.ok(kube.writes.includes('delete Pod aurora/example-1'));
});

test('RestoreConfiguration deletes no pod until the StatefulSet it observed is normal and synced', async () => {
  const kube = server();
  kube.put(podObject(0, 'pod-0', 'rev-recovery'));
  const recovery = {
    exists: true,
    replicas: 3,
    mode: 'recovery' as const,
    synced: true,
    updateRevision: 'rev-recovery',
  };
  const world = seen(kube, { statefulSet: recovery, pods: [pod(0, { revision: 'rev-recovery' })] });
  await performStep(step(STAGED_STEPS, 'RestoreConfiguration'), ctxOf(kube, world, makeRestore()));
  assert.is(kube.list('Pod').length, 1);
  assert.is(modeOf(storedSts(kube)), 'normal');
});

test('the cancel table stores action rollback; Unlock removes only the lock annotation', async () => {
  const kube = server(makeRestore({ cancel: true }));
  await performStep(
    step(CANCEL_STEPS, 'CancelConfigureRollback'),
    ctxOf(kube, seen(kube), makeRestore({ cancel: true })),
  );
  assert.is(kube.get<V1ConfigMap>(RESTORE_CM)?.data?.['action'], 'rollback');
  await performStep(step(STAGED_STEPS, 'Lock'), ctxOf(kube, seen(kube), makeRestore()));
  kube.put({ ...storedCluster(kube), status: { lock: { restore: 'r1', since: 't' } } });
  await performStep(step(STAGED_STEPS, 'Unlock'), ctxOf(kube, seen(kube), makeRestore()));
  assert.equal(storedCluster(kube).metadata.annotations, { team: 'payments' });
});

test.run();
