// The cluster reconciler against the memory API server while a restore holds (or races for) the lock: it writes no
// StatefulSet under the lock, a stale pass conflicts instead of overwriting, status.lock acknowledges the holder,
// and a lock whose AuroraRestore is gone is released.
import type { V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { RESTORE_LOCK_ANNOTATION, SCHEDULER_MODE_ANNOTATION } from '../../../src/api/contracts.ts';
import { API_VERSION } from '../../../src/api/group.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import { isConflict } from '../../../src/k8s/errors.ts';
import { createLogger } from '../../../src/log.ts';
import type { SchedulerMode } from '../../../src/resources/scheduler-args.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { cluster } from './fixtures.ts';
import { fakeZk, storeOver } from './log-init-fixture.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const CLUSTER = { apiVersion: API_VERSION, kind: 'AuroraCluster', namespace: 'aurora', name: 'example' };
const STS = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'aurora', name: 'example' };
const restoreRef = (name: string) => ({ ...CLUSTER, kind: 'AuroraRestore', name });

function restoreObject(name: string, phase: string) {
  return {
    apiVersion: API_VERSION,
    kind: 'AuroraRestore',
    metadata: { name, namespace: 'aurora' },
    spec: { cluster: 'example', backupId: 'scheduler-backup-2026-11-21-09-00' },
    status: { phase },
  };
}

/** an API server with the cluster, locked by `holder` when given, and its StatefulSet in `mode` with `replicas` */
function server(
  holder?: string,
  mode: SchedulerMode = holder ? 'recovery' : 'normal',
  replicas = holder ? 0 : 3,
) {
  const kube = new MemoryKube();
  const c = cluster();
  if (holder) c.metadata.annotations = { [RESTORE_LOCK_ANNOTATION]: holder };
  kube.put(c);
  kube.put(buildStatefulSet(c, { mode, replicas }));
  return kube;
}

function deps(kube: MemoryKube, extra: Partial<ClusterReconcilerDeps> = {}): ClusterReconcilerDeps {
  return {
    kube,
    getCluster: (namespace, name) => kube.get({ ...CLUSTER, namespace, name }),
    listClusters: () => kube.list('AuroraCluster'),
    statefulSet: (namespace, name) => kube.get<V1StatefulSet>({ ...STS, namespace, name }),
    pods: () => [],
    serverset: { readMembers: async () => [], close() {} },
    limit: createLimiter(4),
    probeTimeoutMs: 200,
    digestCredentials: async () => undefined,
    initMarkers: storeOver(fakeZk()),
    logClaims: () => [],
    getRestore: async (namespace, name) => kube.get({ ...restoreRef(name), namespace }),
    log: createLogger('test', 'silent'),
    now: () => NOW,
    readyRequeueMs: 30_000,
    notReadyRequeueMs: 5_000,
    ...extra,
  };
}

const stored = (kube: MemoryKube) => kube.get<AuroraCluster>(CLUSTER) as AuroraCluster;
const storedSts = (kube: MemoryKube) => kube.get<V1StatefulSet>(STS);
const stsWrites = (kube: MemoryKube) => kube.writes.filter((w) => w.startsWith('apply StatefulSet'));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable('the pass should have been refused'),
    (err: unknown) => err,
  );
}

test('unlocked, a pass applies the StatefulSet pinned to the version it observed', async () => {
  const kube = server();
  const before = storedSts(kube)?.metadata?.resourceVersion;
  await reconcileAuroraCluster('aurora/example', deps(kube));
  assert.equal(stsWrites(kube), ['apply StatefulSet aurora/example']);
  assert.is(storedSts(kube)?.metadata?.resourceVersion, before, 'the same StatefulSet is a no-op apply');
  assert.is(stored(kube).status?.lock, undefined);
});

test('locked: no StatefulSet or other owned object is written, and status.lock names the holder', async () => {
  const kube = server('r1');
  kube.put(restoreObject('r1', 'Running'));
  const sts = storedSts(kube);
  await reconcileAuroraCluster('aurora/example', deps(kube));
  await reconcileAuroraCluster('aurora/example', deps(kube, { now: () => new Date(NOW.getTime() + 60_000) }));
  assert.equal(
    kube.writes.filter((w) => !w.startsWith('applyStatus AuroraCluster')),
    [],
  );
  assert.equal(storedSts(kube), sts);
  assert.equal(stored(kube).status?.lock, { restore: 'r1', since: NOW.toISOString() });
  assert.is(stored(kube).status?.phase, 'Restoring');
  // the restore puts the normal StatefulSet back, then unlocks: the acknowledgement goes and the cluster is managed
  await kube.apply(buildStatefulSet(cluster()));
  await kube.mergePatch(CLUSTER, { metadata: { annotations: { [RESTORE_LOCK_ANNOTATION]: null } } });
  await reconcileAuroraCluster('aurora/example', deps(kube));
  assert.is(stored(kube).status?.lock, undefined);
  assert.is.not(stored(kube).status?.phase, 'Restoring');
  assert.equal(stsWrites(kube), ['apply StatefulSet aurora/example', 'apply StatefulSet aurora/example']);
});

test('a pass that observed the StatefulSet before a restore locked and rewrote it conflicts instead of overwriting', async () => {
  const kube = server();
  const observed = storedSts(kube)?.metadata?.resourceVersion;
  const c = cluster();
  // the restore acts while the pass is between its observation and its writes
  const restoreActs = async () => {
    await kube.mergePatch(CLUSTER, {
      metadata: {
        resourceVersion: stored(kube).metadata.resourceVersion,
        annotations: { [RESTORE_LOCK_ANNOTATION]: 'r1' },
      },
    });
    await kube.apply(buildStatefulSet(c, { mode: 'recovery', replicas: 0 }));
    return [];
  };
  const err = await rejection(
    reconcileAuroraCluster(
      'aurora/example',
      deps(kube, { serverset: { readMembers: restoreActs, close() {} } }),
    ),
  );
  assert.ok(isConflict(err), String(err));
  const sts = storedSts(kube);
  assert.is.not(sts?.metadata?.resourceVersion, observed);
  assert.is(sts?.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION], 'recovery');
  assert.is(sts?.spec?.replicas, 0);
  // the next pass sees the lock: it leaves the StatefulSet alone and acknowledges
  kube.put(restoreObject('r1', 'Running'));
  const writes = stsWrites(kube).length;
  await reconcileAuroraCluster('aurora/example', deps(kube));
  assert.is(stsWrites(kube).length, writes);
  assert.is(stored(kube).status?.lock?.restore, 'r1');
});

test('a lock whose AuroraRestore does not exist is released with a DanglingRestoreLock Warning', async () => {
  // force-deleted after it had put the StatefulSet back, before its Unlock
  const kube = server('gone', 'normal', 3);
  const result = await reconcileAuroraCluster(
    'aurora/example',
    deps(kube, { getRestore: async () => undefined }),
  );
  assert.equal(result, { requeueAfterMs: 0 });
  assert.is(stored(kube).metadata.annotations?.[RESTORE_LOCK_ANNOTATION], undefined);
  assert.equal(kube.writes, ['mergePatch AuroraCluster aurora/example']);
  const event = kube.events.find((e) => e.reason === 'DanglingRestoreLock');
  assert.is(event?.type, 'Warning');
  assert.match(event?.message ?? '', /AuroraRestore gone no longer exists/);
  await reconcileAuroraCluster('aurora/example', deps(kube));
  assert.equal(
    stsWrites(kube),
    ['apply StatefulSet aurora/example'],
    'the next pass manages the cluster again',
  );
  assert.is(stored(kube).status?.lock, undefined);
});

test('a finished restore that still holds the lock is released; a live one is not', async () => {
  const finished = server('r1');
  finished.put(restoreObject('r1', 'Succeeded'));
  await reconcileAuroraCluster('aurora/example', deps(finished));
  assert.is(stored(finished).metadata.annotations?.[RESTORE_LOCK_ANNOTATION], undefined);
  assert.match(
    finished.events.find((e) => e.reason === 'DanglingRestoreLock')?.message ?? '',
    /has finished/,
  );
  const failed = server('r1');
  failed.put(restoreObject('r1', 'Failed'));
  await reconcileAuroraCluster('aurora/example', deps(failed));
  assert.is(
    stored(failed).metadata.annotations?.[RESTORE_LOCK_ANNOTATION],
    'r1',
    'a failed restore keeps it',
  );
  assert.equal(
    failed.events.filter((e) => e.reason === 'DanglingRestoreLock'),
    [],
  );
});

test('a release raced by a restore re-taking the lock conflicts and leaves the new lock in place', async () => {
  const kube = server('gone');
  const relock = async () => {
    await kube.mergePatch(CLUSTER, { metadata: { annotations: { [RESTORE_LOCK_ANNOTATION]: 'r2' } } });
    return undefined;
  };
  const err = await rejection(reconcileAuroraCluster('aurora/example', deps(kube, { getRestore: relock })));
  assert.ok(isConflict(err), String(err));
  assert.is(stored(kube).metadata.annotations?.[RESTORE_LOCK_ANNOTATION], 'r2');
  assert.equal(kube.events, []);
});

test.run();
