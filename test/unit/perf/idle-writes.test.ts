// An idle cluster costs no writes: passes after the first one apply nothing and write no status, however much
// time passes, while a field someone changed under the operator is applied again, alone.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { API_VERSION } from '../../../src/api/group.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { createDesiredApplier, type CachedRef } from '../../../src/cluster/apply-if-changed.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import { createLogger } from '../../../src/log.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { cluster } from '../cluster/fixtures.ts';
import { fakeZk, storeOver } from '../cluster/log-init-fixture.ts';

const CLUSTER = { apiVersion: API_VERSION, kind: 'AuroraCluster', namespace: 'aurora', name: 'example' };
const STS = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'aurora', name: 'example' };
const START = Date.parse('2026-11-21T10:00:00.000Z');

function runningPod(ordinal: number): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `example-${ordinal}`,
      namespace: 'aurora',
      uid: `pod-${ordinal}`,
      labels: { 'aurora-operator.io/cluster': 'example' },
    },
    status: { phase: 'Running' },
  };
}

function world(withApplier: boolean) {
  const kube = new MemoryKube();
  kube.put(cluster());
  const clock = { ms: START };
  const deps: ClusterReconcilerDeps = {
    kube,
    getCluster: (namespace, name) => kube.get({ ...CLUSTER, namespace, name }),
    listClusters: () => kube.list('AuroraCluster'),
    statefulSet: (namespace, name) => kube.get<V1StatefulSet>({ ...STS, namespace, name }),
    pods: () => [0, 1, 2].map(runningPod),
    serverset: { readMembers: async () => [], close() {} },
    limit: createLimiter(4),
    probeTimeoutMs: 200,
    digestCredentials: async () => undefined,
    initMarkers: storeOver(fakeZk()),
    logClaims: () => [],
    log: createLogger('test', 'silent'),
    now: () => new Date(clock.ms),
    readyRequeueMs: 30_000,
    notReadyRequeueMs: 5_000,
    ...(withApplier ? { applier: createDesiredApplier((ref: CachedRef) => kube.get(ref)) } : {}),
  };
  return { kube, clock, pass: () => reconcileAuroraCluster('aurora/example', deps) };
}

test('passes after the first write nothing, an hour of passes later too', async () => {
  const w = world(true);
  await w.pass();
  const first = [...w.kube.writes];
  assert.ok(first.includes('apply StatefulSet aurora/example'), 'the first pass creates the objects');
  assert.ok(first.includes('applyStatus AuroraCluster aurora/example'));
  // the second pass may still settle what the first one's writes changed (e.g. log-init switched)
  await w.pass();
  const settled = w.kube.writes.length;
  for (let i = 0; i < 120; i++) {
    w.clock.ms += 30_000;
    await w.pass();
  }
  assert.equal(w.kube.writes.slice(settled), [], 'no write in 120 idle passes');
});

test('without the cache comparison every pass applies every object (what the test above rules out)', async () => {
  const w = world(false);
  await w.pass();
  await w.pass();
  const settled = w.kube.writes.length;
  await w.pass();
  assert.is(w.kube.writes.slice(settled).filter((x) => x.startsWith('apply ')).length, 5);
});

test('a field changed under the operator is applied again, and only that object', async () => {
  const w = world(true);
  await w.pass();
  await w.pass();
  type Service = { metadata: { name: string }; spec: { selector: Record<string, string> } };
  const service = w.kube.list<Service>('Service', 'aurora')[0];
  assert.ok(service, 'a Service was applied');
  // another writer drops a selector key the operator owns
  const { 'app.kubernetes.io/instance': dropped, ...selector } = service.spec.selector;
  assert.is(dropped, 'example');
  w.kube.put({ ...service, spec: { ...service.spec, selector } });
  const settled = w.kube.writes.length;
  await w.pass();
  await w.pass();
  assert.equal(w.kube.writes.slice(settled), [`apply Service aurora/${service.metadata.name}`]);
});

test.run();
