// One cluster pass after another with spec.bootstrap, against an in-memory API server and ZooKeeper: the restore is
// created on the guard's claim with log-init held off, success is recorded once, and nothing ever runs again.
import type { V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import type { AuroraRestoreSpec } from '../../../src/api/aurora-restore.ts';
import { API_VERSION } from '../../../src/api/group.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { initMarkerPath } from '../../../src/aurora/init-marker-store.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import { createLogger } from '../../../src/log.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { bootstrapCluster } from './bootstrap-fixture.ts';
import { fakeZk, putJson, readJson, storeOver } from './log-init-fixture.ts';

const NOW = new Date('2026-12-06T08:00:00.000Z');
const NS = 'aurora-dr';
const CLUSTER = { apiVersion: API_VERSION, kind: 'AuroraCluster', namespace: NS, name: 'example' };
const RESTORE = { ...CLUSTER, kind: 'AuroraRestore', name: 'example-bootstrap' };
const LOG_INIT = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'example-log-init' };
const MARKER = initMarkerPath('/aurora/replicated-log');
const BACKUP = 'scheduler-backup-2026-12-06-07-40';

function world(bootstrap = true) {
  const kube = new MemoryKube();
  kube.put(bootstrapCluster(undefined, bootstrap));
  const zk = fakeZk();
  const deps: ClusterReconcilerDeps = {
    kube,
    getCluster: (namespace, name) => kube.get({ ...CLUSTER, namespace, name }),
    listClusters: () => kube.list('AuroraCluster'),
    statefulSet: (namespace, name) =>
      kube.get<V1StatefulSet>({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name }),
    pods: () => [],
    serverset: { readMembers: async () => [], close() {} },
    limit: createLimiter(4),
    probeTimeoutMs: 200,
    digestCredentials: async () => undefined,
    initMarkers: storeOver(zk),
    logClaims: () => [],
    getRestore: async (namespace, name) => kube.get({ ...RESTORE, namespace, name }),
    log: createLogger('test', 'silent'),
    now: () => NOW,
    readyRequeueMs: 30_000,
    notReadyRequeueMs: 5_000,
  };
  return { kube, zk, deps, pass: () => reconcileAuroraCluster(`${NS}/example`, deps) };
}

const stored = (kube: MemoryKube) => kube.get<AuroraCluster>(CLUSTER) as AuroraCluster;
const allowed = (kube: MemoryKube) => kube.get<V1ConfigMap>(LOG_INIT)?.data?.['allowed'];
const restoreOf = (kube: MemoryKube) =>
  kube.get<{
    metadata: { labels?: Record<string, string>; ownerReferences?: unknown[] };
    spec: AuroraRestoreSpec;
  }>(RESTORE);

function finish(kube: MemoryKube, phase: string, extra: Record<string, unknown> = {}) {
  const restore = restoreOf(kube) as object;
  kube.put({ ...restore, status: { phase, ...extra } });
}

test('without bootstrap the guard switches log-init on for a first creation (the control)', async () => {
  const { kube, pass } = world(false);
  await pass();
  assert.is(allowed(kube), 'true');
  assert.is(restoreOf(kube), undefined);
});

test('a first creation claims the marker, creates the Offline restore and keeps log-init off', async () => {
  const { kube, zk, pass } = world();
  await pass();
  assert.is(allowed(kube), 'false', 'no empty initialization: the restore writes the log');
  assert.equal((readJson(zk, MARKER) as { state: string; uid: string }).state, 'initializing');
  const restore = restoreOf(kube);
  assert.ok(restore, 'the bootstrap restore exists');
  assert.equal(restore?.spec, {
    cluster: 'example',
    backupId: 'latest',
    source: { objectStore: {} },
    strategy: 'Offline',
    acceptBackupAge: true,
  });
  assert.is(restore?.metadata.labels?.['aurora-operator.io/bootstrap-of'], 'example');
  assert.is(restore?.metadata.ownerReferences?.length, 1);
  const status = stored(kube).status;
  assert.is(status?.bootstrap?.restore, 'example-bootstrap');
  const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
  assert.is(progressing?.reason, 'Bootstrapping');
  assert.is(
    status?.conditions?.find((c) => c.type === 'ReplicatedLogInitialized')?.reason,
    'AwaitingBootstrap',
  );
});

test('a marker of another cluster refuses it: no restore, nothing initialized', async () => {
  const { kube, zk, pass } = world();
  putJson(zk, MARKER, {
    namespace: 'aurora',
    name: 'example',
    uid: 'u-old',
    createdAt: '2026-12-01T00:00:00Z',
    state: 'initialized',
  });
  await pass();
  assert.is(restoreOf(kube), undefined);
  assert.is(allowed(kube), undefined, 'a cluster in conflict writes no ConfigMap');
  assert.is(stored(kube).status?.bootstrap?.restore, undefined);
});

test('a failed restore leaves the log uninitialized with its reason; success is recorded once', async () => {
  const { kube, pass } = world();
  await pass();
  const message =
    'fetching latest from the object store under aurora/example/ to example-0 failed (ObjectStoreForbidden): 403';
  finish(kube, 'Failed', { error: { step: 'Validate', message } });
  await pass();
  const failed = stored(kube).status;
  assert.is(failed?.conditions?.find((c) => c.type === 'Degraded')?.reason, 'ObjectStoreForbidden');
  assert.is(allowed(kube), 'false');
  finish(kube, 'Succeeded', { source: { name: BACKUP, pod: 'example-0' } });
  await pass();
  const done = stored(kube).status?.bootstrap;
  assert.is(done?.backupId, BACKUP);
  assert.is(done?.completedAt, NOW.toISOString());
  // the restore deleted and the guard still allowing: nothing is created again
  kube.remove(RESTORE);
  await pass();
  assert.is(restoreOf(kube), undefined, 'a completed bootstrap never runs again');
  assert.equal(stored(kube).status?.bootstrap, done);
});

test.run();
