// A cluster whose ZooKeeper paths another cluster owns: the plan writes nothing but a scale to 0, log-init is
// never allowed, the marker's owner refuses it too, and removing the conflict gives the normal plan back.
import type { V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import { API_VERSION } from '../../../src/api/group.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import type { InitMarker } from '../../../src/aurora/init-marker-store.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import { planCluster } from '../../../src/cluster/plan.ts';
import type { LogInitEvidence } from '../../../src/cluster/plan-log-init.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import { isConflict } from '../../../src/k8s/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { buildStatefulSet } from '../../../src/resources/statefulset.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { NO_EVIDENCE } from '../../support/cluster-status.ts';
import { cluster, followerProbe, healthyObserved } from './fixtures.ts';
import { fakeZk, putJson, storeOver, type FakeZk } from './log-init-fixture.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const MARKER = '/fz/log-aurora-operator';

function shared(name: string, created: string): AuroraCluster {
  const c = cluster();
  c.metadata.name = name;
  c.metadata.uid = `uid-${name}`;
  c.metadata['creationTimestamp'] = created;
  c.spec.serversetPath = '/fz/scheduler';
  c.spec.replicatedLog.zkGroupPath = '/fz/log';
  return c;
}

const first = (): AuroraCluster => shared('first', '2026-11-21T08:00:00Z');
const second = (): AuroraCluster => shared('second', '2026-11-21T09:00:00Z');

/** pods of a new cluster: none reports an initialized log */
function starting(): ObservedCluster {
  const observed = healthyObserved();
  for (const p of observed.pods) p.probe = { ...followerProbe, healthy: false, logRecovered: false };
  observed.serverset.members = [];
  return observed;
}

const evidenceAt = (marker: LogInitEvidence['marker']): LogInitEvidence => ({
  markerPath: MARKER,
  marker,
  claims: [],
});

const markerOf = (namespace: string, name: string, uid: string): InitMarker => ({
  namespace,
  name,
  uid,
  createdAt: '2026-11-21T08:00:00Z',
  state: 'initialized',
  initializedAt: '2026-11-21T08:05:00Z',
});

test('the later cluster plans no writes, a scale to 0 of its StatefulSet and no log-init; the earlier one is untouched', () => {
  const observed = starting();
  const later = planCluster(second(), { observed, evidence: NO_EVIDENCE, peers: [first()] }, NOW);
  assert.is(later.conflict?.reason, 'ZooKeeperPathConflict');
  assert.match(later.conflict?.message ?? '', /AuroraCluster aurora\/first/);
  assert.match(later.conflict?.message ?? '', /\/fz\/scheduler/);
  assert.is(later.refusal, later.conflict);
  assert.not.ok(later.writes);
  assert.ok(later.scaleToZero);
  assert.not.ok(later.logInit.allowed);
  assert.is(later.logInit.claim, undefined);
  assert.is(later.logInit.markInitialized, undefined);
  assert.equal(later.logInit.annotate, []);
  assert.is(later.logInit.refusal?.reason, 'ZooKeeperPathConflict');
  assert.equal(later.rollout, { action: 'none' });
  const earlier = planCluster(first(), { observed, evidence: NO_EVIDENCE, peers: [second()] }, NOW);
  assert.is(earlier.conflict, undefined);
  assert.ok(earlier.writes);
  assert.not.ok(earlier.scaleToZero);
  assert.ok(earlier.logInit.allowed);
});

test('a StatefulSet already at 0, or none at all, is not written again; a locked cluster is left to its restore', () => {
  const none = { ...starting(), statefulSet: { exists: false } };
  assert.not.ok(
    planCluster(second(), { observed: none, evidence: NO_EVIDENCE, peers: [first()] }, NOW).scaleToZero,
  );
  const zero = { ...starting(), statefulSet: { exists: true, replicas: 0 } };
  assert.not.ok(
    planCluster(second(), { observed: zero, evidence: NO_EVIDENCE, peers: [first()] }, NOW).scaleToZero,
  );
  const locked = second();
  locked.metadata.annotations = { 'aurora-operator.io/restore-lock': 'r1' };
  const plan = planCluster(locked, { observed: starting(), evidence: NO_EVIDENCE, peers: [first()] }, NOW);
  assert.is(plan.conflict?.reason, 'ZooKeeperPathConflict');
  assert.not.ok(plan.scaleToZero);
});

test('removing the conflict gives the normal plan back', () => {
  const moved = second();
  moved.spec.serversetPath = '/second/scheduler';
  moved.spec.replicatedLog.zkGroupPath = '/second/log';
  const plan = planCluster(moved, { observed: starting(), evidence: NO_EVIDENCE, peers: [first()] }, NOW);
  assert.is(plan.conflict, undefined);
  assert.ok(plan.writes);
  assert.ok(plan.logInit.allowed);
  const alone = planCluster(second(), { observed: starting(), evidence: NO_EVIDENCE, peers: [] }, NOW);
  assert.is(alone.conflict, undefined);
  assert.ok(alone.writes);
});

test('a marker owned by another namespace/name refuses the cluster as a conflict; the same namespace/name adopts', () => {
  const observed = starting();
  const foreign = evidenceAt({ kind: 'present', version: 1, marker: markerOf('elsewhere', 'first', 'u9') });
  const refused = planCluster(second(), { observed, evidence: foreign, peers: [] }, NOW);
  assert.is(refused.conflict?.reason, 'ZooKeeperPathConflict');
  assert.match(refused.conflict?.message ?? '', /elsewhere\/first \(uid u9/);
  assert.not.ok(refused.writes);
  assert.not.ok(refused.logInit.allowed);
  // a re-created CR: same namespace/name, another uid; it continues on the existing log without initializing
  const same = evidenceAt({ kind: 'present', version: 1, marker: markerOf('aurora', 'second', 'old-uid') });
  const adopted = planCluster(second(), { observed, evidence: same, peers: [] }, NOW);
  assert.is(adopted.conflict, undefined);
  assert.ok(adopted.writes);
  assert.not.ok(adopted.logInit.allowed);
  assert.is(adopted.logInit.refusal?.reason, 'InitializationRefused');
});

test('serverset members that are no pod of the cluster keep log-init off and are named in Degraded', () => {
  const observed = starting();
  observed.serverset.members = [{ node: 'member_0000000007', host: '127.9.1.3', port: 8081 }];
  const plan = planCluster(second(), { observed, evidence: NO_EVIDENCE, peers: [] }, NOW);
  assert.equal(plan.foreignMembers, ['127.9.1.3:8081']);
  assert.ok(plan.writes);
  assert.not.ok(plan.logInit.allowed);
  assert.is(plan.logInit.claim, undefined);
  assert.is(plan.logInit.refusal?.reason, 'ForeignMembers');
});

// the reconciler against the memory API server
const ref = (kind: string, name: string) => ({
  apiVersion: kind === 'StatefulSet' ? 'apps/v1' : API_VERSION,
  kind,
  namespace: 'aurora',
  name,
});

function deps(
  kube: MemoryKube,
  zk: FakeZk,
  extra: Partial<ClusterReconcilerDeps> = {},
): ClusterReconcilerDeps {
  return {
    kube,
    getCluster: (namespace, name) => kube.get({ ...ref('AuroraCluster', name), namespace }),
    listClusters: () => kube.list('AuroraCluster'),
    statefulSet: (namespace, name) => kube.get<V1StatefulSet>({ ...ref('StatefulSet', name), namespace }),
    pods: () => [],
    serverset: { readMembers: async () => [], close() {} },
    limit: createLimiter(4),
    probeTimeoutMs: 200,
    digestCredentials: async () => undefined,
    initMarkers: storeOver(zk),
    logClaims: () => [],
    log: createLogger('test', 'silent'),
    now: () => NOW,
    readyRequeueMs: 30_000,
    notReadyRequeueMs: 5_000,
    ...extra,
  };
}

const degradedOf = (kube: MemoryKube, name: string) =>
  kube.get<AuroraCluster>(ref('AuroraCluster', name))?.status?.conditions?.find((c) => c.type === 'Degraded');

test('a reconcile of the later cluster only scales its StatefulSet to 0 and reports the conflict; a fix recovers it', async () => {
  const kube = new MemoryKube();
  const zk = fakeZk();
  kube.put(first());
  kube.put(second());
  kube.put(buildStatefulSet(second()));
  await reconcileAuroraCluster('aurora/second', deps(kube, zk));
  assert.equal(kube.writes, [
    'mergePatch StatefulSet aurora/second',
    'applyStatus AuroraCluster aurora/second',
  ]);
  const sts = kube.get<V1StatefulSet>(ref('StatefulSet', 'second'));
  assert.is(sts?.spec?.replicas, 0);
  assert.ok(sts?.spec?.template, 'the template is kept');
  assert.equal(zk.writes, [], 'no marker is claimed');
  const degraded = degradedOf(kube, 'second');
  assert.is(degraded?.status, 'True');
  assert.is(degraded?.reason, 'ZooKeeperPathConflict');
  assert.match(degraded?.message ?? '', /aurora\/first/);
  assert.is(kube.get<AuroraCluster>(ref('AuroraCluster', 'second'))?.status?.phase, 'Degraded');
  // a second pass writes nothing more
  kube.writes.length = 0;
  await reconcileAuroraCluster('aurora/second', deps(kube, zk));
  assert.equal(kube.writes, []);
  // the earlier cluster is reconciled as usual
  await reconcileAuroraCluster('aurora/first', deps(kube, zk));
  assert.ok(kube.writes.includes('apply StatefulSet aurora/first'));
  assert.is(degradedOf(kube, 'first')?.reason, 'Creating');
  // new paths: the normal plan applies the StatefulSet with its replicas again
  const moved = kube.get<AuroraCluster>(ref('AuroraCluster', 'second')) as AuroraCluster;
  moved.spec.serversetPath = '/second/scheduler';
  moved.spec.replicatedLog.zkGroupPath = '/second/log';
  kube.put(moved);
  kube.writes.length = 0;
  await reconcileAuroraCluster('aurora/second', deps(kube, zk));
  assert.ok(kube.writes.includes('apply StatefulSet aurora/second'));
  assert.is(kube.get<V1StatefulSet>(ref('StatefulSet', 'second'))?.spec?.replicas, 3);
  assert.is(degradedOf(kube, 'second')?.reason, 'Creating');
});

test('a peer is compared by its spec: a status this version cannot parse does not hide it', async () => {
  const kube = new MemoryKube();
  kube.put({ ...first(), status: { phase: 'FromAnotherVersion', conditions: 'not a list' } });
  kube.put(second());
  await reconcileAuroraCluster('aurora/second', deps(kube, fakeZk()));
  assert.is(degradedOf(kube, 'second')?.reason, 'ZooKeeperPathConflict');
});

test('the scale to 0 is pinned to the observed StatefulSet version', async () => {
  const kube = new MemoryKube();
  kube.put(first());
  kube.put(second());
  kube.put(buildStatefulSet(second()));
  const stale = kube.get<V1StatefulSet>(ref('StatefulSet', 'second'));
  kube.put({ ...buildStatefulSet(second()), metadata: { ...stale?.metadata, labels: { moved: 'on' } } });
  const err = await reconcileAuroraCluster(
    'aurora/second',
    deps(kube, fakeZk(), { statefulSet: () => stale }),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isConflict(err), String(err));
  assert.is(kube.get<V1StatefulSet>(ref('StatefulSet', 'second'))?.spec?.replicas, 3);
});

test('a marker of another owner in ZooKeeper refuses a cluster the operator cannot see a peer of', async () => {
  const kube = new MemoryKube();
  const zk = fakeZk();
  putJson(zk, MARKER, markerOf('team-b', 'scheduler', 'u-b'));
  kube.put(second());
  await reconcileAuroraCluster('aurora/second', deps(kube, zk));
  assert.equal(kube.writes, ['applyStatus AuroraCluster aurora/second']);
  const degraded = degradedOf(kube, 'second');
  assert.is(degraded?.reason, 'ZooKeeperPathConflict');
  assert.match(degraded?.message ?? '', /team-b\/scheduler/);
});

test.run();
