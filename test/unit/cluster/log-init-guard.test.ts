import type { KubernetesObject, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_INITIALIZED_ANNOTATION } from '../../../src/api/contracts.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import {
  ensureLogInitEvidence,
  observeLogInitEvidence,
  toLogClaims,
  type LogInitGuardDeps,
} from '../../../src/cluster/log-init-guard.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import type { EventInput, KubeClient } from '../../../src/k8s/kube-client.ts';
import { createLogger } from '../../../src/log.ts';
import { cluster } from './fixtures.ts';
import { fakeZk, putJson, readJson, storeOver, type FakeZk } from './log-init-fixture.ts';

const PATH = '/aurora/replicated-log-aurora-operator';
const BORN = '2026-11-21T09:00:00Z';
const now = new Date('2026-11-21T10:00:00.000Z');

interface FakeKube extends KubeClient {
  /** every write in order: `apply ConfigMap/example-log-init allowed=true`, `patch log-example-0`, ... */
  writes: string[];
  patches: Array<{ name: string; patch: Record<string, unknown> }>;
  status?:
    { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } | undefined;
  events: EventInput[];
}

function fakeKube(zk?: FakeZk): FakeKube {
  const kube: FakeKube = {
    writes: [],
    patches: [],
    events: [],
    async apply<T extends KubernetesObject>(obj: T): Promise<T> {
      const data = (obj as { data?: Record<string, string> }).data;
      const allowed = obj.metadata?.name?.endsWith('-log-init') ? ` allowed=${data?.['allowed']}` : '';
      // the marker's state at the moment the switch is written shows the claim came first
      const marker = allowed && zk ? ` marker=${zk.nodes.has(PATH) ? 'present' : 'absent'}` : '';
      kube.writes.push(`apply ${obj.kind}/${obj.metadata?.name}${allowed}${marker}`);
      return obj;
    },
    async applyStatus(_ref, status) {
      kube.status = status as FakeKube['status'];
    },
    async mergePatch(ref, patch) {
      kube.writes.push(`patch ${ref.name}`);
      kube.patches.push({ name: ref.name, patch });
    },
    async delete() {
      return true;
    },
    async recordEvent(event) {
      kube.events.push(event);
    },
  };
  return kube;
}

function pvc(name: string, created: string, annotations?: Record<string, string>): V1PersistentVolumeClaim {
  return {
    metadata: {
      name,
      namespace: 'aurora',
      creationTimestamp: new Date(created),
      ...(annotations ? { annotations } : {}),
    },
  };
}

function aurora() {
  const c = cluster();
  c.metadata['creationTimestamp'] = BORN;
  return c;
}

function guardDeps(
  zk: FakeZk,
  claims: V1PersistentVolumeClaim[] = [],
  kube = fakeKube(zk),
): LogInitGuardDeps {
  return {
    initMarkers: storeOver(zk),
    logClaims: () => claims,
    digestCredentials: async () => undefined,
    kube,
    log: createLogger('test', 'silent'),
    now: () => now,
  };
}

function reconcilerDeps(
  zk: FakeZk,
  claims: V1PersistentVolumeClaim[],
  kube: FakeKube,
): ClusterReconcilerDeps {
  return {
    ...guardDeps(zk, claims, kube),
    getCluster: () => JSON.parse(JSON.stringify(aurora())),
    listClusters: () => [aurora()],
    statefulSet: () => undefined,
    pods: () => [],
    serverset: { readMembers: async () => [], close() {} },
    limit: createLimiter(4),
    probeTimeoutMs: 200,
    readyRequeueMs: 30_000,
    notReadyRequeueMs: 5_000,
  };
}

test('toLogClaims keeps only this cluster’s log claims, with their age and annotation', () => {
  const views = toLogClaims(aurora(), [
    pvc('log-example-1', '2026-11-20T00:00:00Z', { [LOG_INITIALIZED_ANNOTATION]: 'then' }),
    pvc('log-example-0', BORN),
    pvc('backups-example-0', BORN),
    pvc('log-example-2-0', BORN),
    pvc('log-example-x', BORN),
    { metadata: { name: 'log-example-2', creationTimestamp: '2026-11-21T09:30:00Z' as unknown as Date } },
  ]);
  assert.equal(
    views.map((v) => [v.name, v.ordinal, v.createdAt?.toISOString(), v.initializedAt]),
    [
      ['log-example-0', 0, '2026-11-21T09:00:00.000Z', undefined],
      ['log-example-1', 1, '2026-11-20T00:00:00.000Z', 'then'],
      ['log-example-2', 2, '2026-11-21T09:30:00.000Z', undefined],
    ],
  );
});

test('observe reports an unreachable ZooKeeper or missing credentials as an unreadable marker', async () => {
  const zk = fakeZk();
  zk.down = new Error('ZooKeeper connect timed out after 3000ms');
  const down = await observeLogInitEvidence(aurora(), guardDeps(zk));
  assert.equal(down.marker, { kind: 'unreadable', error: 'ZooKeeper connect timed out after 3000ms' });
  assert.is(down.markerPath, PATH);
  const secretless = await observeLogInitEvidence(aurora(), {
    ...guardDeps(fakeZk()),
    digestCredentials: () => Promise.reject(new Error('secrets "zk-digest" not found')),
  });
  assert.equal(secretless.marker, { kind: 'unreadable', error: 'secrets "zk-digest" not found' });
});

test('a lost claim race keeps log-init disabled for this pass', async () => {
  const zk = fakeZk();
  const plan = {
    allowed: true,
    annotate: [],
    claim: {
      namespace: 'aurora',
      name: 'example',
      uid: 'u1',
      createdAt: 'now',
      state: 'initializing' as const,
    },
  };
  putJson(zk, PATH, { ...plan.claim, uid: 'other-writer' });
  assert.is(await ensureLogInitEvidence(aurora(), plan, guardDeps(zk)), false);
  assert.is((readJson(zk, PATH) as { uid: string }).uid, 'other-writer');
  zk.nodes.clear();
  assert.is(await ensureLogInitEvidence(aurora(), plan, guardDeps(zk)), true);
  zk.down = new Error('connection loss');
  zk.nodes.clear();
  assert.is(await ensureLogInitEvidence(aurora(), plan, guardDeps(zk)), false, 'a failed write refuses');
});

test('annotations are merge patches on the PVCs the plan names', async () => {
  const kube = fakeKube();
  const deps = guardDeps(fakeZk(), [], kube);
  await ensureLogInitEvidence(aurora(), { allowed: false, annotate: ['log-example-0'] }, deps);
  assert.equal(kube.patches, [
    {
      name: 'log-example-0',
      patch: { metadata: { annotations: { [LOG_INITIALIZED_ANNOTATION]: now.toISOString() } } },
    },
  ]);
});

test('reconcile: a brand-new cluster claims the marker before the switch says true', async () => {
  const zk = fakeZk();
  const kube = fakeKube(zk);
  await reconcileAuroraCluster('aurora/example', reconcilerDeps(zk, [], kube));
  assert.ok(
    kube.writes.includes('apply ConfigMap/example-log-init allowed=true marker=present'),
    kube.writes.join('\n'),
  );
  assert.equal(readJson(zk, PATH), {
    namespace: 'aurora',
    name: 'example',
    uid: 'u1',
    createdAt: now.toISOString(),
    state: 'initializing',
  });
  const cond = kube.status?.conditions?.find((c) => c.type === 'ReplicatedLogInitialized');
  assert.is(cond?.reason, 'NotInitialized');
});

test('reconcile: a re-created cluster with an initialized marker keeps log-init off and says why', async () => {
  const zk = fakeZk();
  putJson(zk, PATH, {
    namespace: 'aurora',
    name: 'example',
    uid: 'old',
    createdAt: '2026-11-01T00:00:00Z',
    state: 'initialized',
  });
  const kube = fakeKube(zk);
  const claims = [pvc('log-example-0', '2026-11-01T00:00:01Z')];
  await reconcileAuroraCluster('aurora/example', reconcilerDeps(zk, claims, kube));
  assert.ok(kube.writes.includes('apply ConfigMap/example-log-init allowed=false marker=present'));
  assert.is((readJson(zk, PATH) as { uid: string }).uid, 'old', 'the marker is not rewritten');
  const cond = kube.status?.conditions?.find((c) => c.type === 'ReplicatedLogInitialized');
  assert.is(cond?.status, 'False');
  assert.is(cond?.reason, 'InitializationRefused');
  assert.match(cond?.message ?? '', PATH);
  assert.match(cond?.message ?? '', 'log PVC log-example-0 is older than this AuroraCluster');
  const event = kube.events.find((e) => e.reason === 'InitializationRefused');
  assert.is(event?.type, 'Warning');
  assert.match(event?.message ?? '', 'ReplicatedLogInitialized=False');
});

test('reconcile: with ZooKeeper unreachable nothing is claimed and log-init stays off', async () => {
  const zk = fakeZk();
  zk.down = new Error('ZooKeeper connect timed out after 200ms');
  const kube = fakeKube(zk);
  await reconcileAuroraCluster('aurora/example', reconcilerDeps(zk, [], kube));
  assert.ok(kube.writes.includes('apply ConfigMap/example-log-init allowed=false marker=absent'));
  assert.equal(zk.writes, []);
  const cond = kube.status?.conditions?.find((c) => c.type === 'ReplicatedLogInitialized');
  assert.is(cond?.reason, 'MarkerUnreadable');
});

test.run();
