// Shipping wired into the cluster pass: the agents are asked only with spec.backup.objectStore, the status shows
// the newest shipped backup and BackupsShipped, and an idle cluster that ships nothing new writes nothing.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ShippingStatus } from '../../../src/agent/agent-api.ts';
import type { AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { API_VERSION } from '../../../src/api/group.ts';
import { ObjectStoreSpec } from '../../../src/api/object-store-spec.ts';
import { createLimiter } from '../../../src/aurora/concurrency-limit.ts';
import { createDesiredApplier, type CachedRef } from '../../../src/cluster/apply-if-changed.ts';
import type { ReplicaShipping } from '../../../src/cluster/compute-shipping.ts';
import { reconcileAuroraCluster, type ClusterReconcilerDeps } from '../../../src/cluster/reconcile.ts';
import { createLogger } from '../../../src/log.ts';
import { MemoryKube } from '../../support/memory-kube.ts';
import { cluster } from './fixtures.ts';
import { fakeZk, storeOver } from './log-init-fixture.ts';

const CLUSTER = { apiVersion: API_VERSION, kind: 'AuroraCluster', namespace: 'aurora', name: 'example' };
const STS = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'aurora', name: 'example' };
const START = Date.parse('2026-12-06T05:00:00.000Z');
const FIRST = 'scheduler-backup-2026-12-06-04-00';
const SECOND = 'scheduler-backup-2026-12-06-05-00';

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

function report(name: string, over: Partial<ShippingStatus> = {}): ShippingStatus {
  return {
    lastShipped: { name, at: '2026-12-06T04:01:00.000Z', size: 2048, tasks: 3 },
    pending: 0,
    objects: 2,
    bytes: 4096,
    uploadFailures: 0,
    unreadable: [],
    lastRoundAt: '2026-12-06T04:59:00.000Z',
    ...over,
  };
}

function world(withStore: boolean) {
  const kube = new MemoryKube();
  const object = cluster();
  if (withStore) object.spec.backup.objectStore = ObjectStoreSpec.parse({ bucket: 'backups' });
  kube.put(object);
  const clock = { ms: START };
  const agents = { asked: 0, replicas: [] as ReplicaShipping[] };
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
    applier: createDesiredApplier((ref: CachedRef) => kube.get(ref)),
    shipping: async () => {
      agents.asked++;
      return agents.replicas;
    },
  };
  const status = () => kube.get<{ status?: AuroraClusterStatus }>(CLUSTER)?.status;
  const shipped = () => status()?.conditions?.find((c) => c.type === 'BackupsShipped');
  return { kube, clock, agents, status, shipped, pass: () => reconcileAuroraCluster('aurora/example', deps) };
}

test('without an object store the agents are never asked about shipping and no BackupsShipped is written', async () => {
  const w = world(false);
  w.agents.replicas = [{ pod: 'example-0', shipping: report(FIRST) }];
  await w.pass();
  await w.pass();
  assert.is(w.agents.asked, 0);
  assert.is(w.shipped(), undefined);
  assert.is(w.status()?.backups?.newestShipped, undefined);
});

test('with a store the status names the newest shipped backup, and idle passes write nothing', async () => {
  const w = world(true);
  w.agents.replicas = [
    { pod: 'example-0', shipping: report(FIRST) },
    {
      pod: 'example-1',
      shipping: report(SECOND, { objects: 3, bytes: 6144, lastRoundAt: '2026-12-06T05:00:00Z' }),
    },
  ];
  await w.pass();
  await w.pass();
  assert.ok(w.agents.asked >= 2, 'each pass asks the agents');
  assert.equal(w.status()?.backups?.newestShipped, {
    name: SECOND,
    at: '2026-12-06T04:01:00.000Z',
    size: 2048,
    tasks: 3,
    replica: 'example-1',
  });
  assert.is(w.status()?.backups?.shippedObjects, 3);
  assert.is(w.status()?.backups?.shippedBytes, 6144);
  assert.is(w.shipped()?.status, 'True');
  assert.is(w.shipped()?.reason, 'Shipped');
  const settled = w.kube.writes.length;
  for (let i = 0; i < 60; i++) {
    w.clock.ms += 30_000;
    await w.pass();
  }
  assert.equal(w.kube.writes.slice(settled), [], 'no write in 60 idle passes');
});

test('BackupsShipped goes False UploadFailing and back, keeping the newest shipped while agents are silent', async () => {
  const w = world(true);
  w.agents.replicas = [{ pod: 'example-0', shipping: report(FIRST) }];
  await w.pass();
  const failed = report(FIRST, {
    lastError: { code: 'AGENT_UPLOAD_FAILED', message: 'AccessDenied', at: '2026-12-06T05:00:30Z' },
    uploadFailures: 1,
  });
  w.agents.replicas = [{ pod: 'example-0', shipping: failed }];
  w.clock.ms += 30_000;
  await w.pass();
  assert.is(w.shipped()?.status, 'False');
  assert.is(w.shipped()?.reason, 'UploadFailing');
  assert.match(w.shipped()?.message ?? '', /example-0: AGENT_UPLOAD_FAILED: AccessDenied/);
  // no agent answers: Unknown, and what was shipped stays in the status
  w.agents.replicas = [];
  w.clock.ms += 30_000;
  await w.pass();
  assert.is(w.shipped()?.status, 'Unknown');
  assert.is(w.status()?.backups?.newestShipped?.name, FIRST);
  // an agent that restarted knows nothing shipped yet: the status does not forget the newest object
  w.agents.replicas = [{ pod: 'example-2', shipping: report(FIRST, { lastShipped: undefined }) }];
  w.clock.ms += 30_000;
  await w.pass();
  assert.is(w.shipped()?.status, 'True');
  assert.is(w.status()?.backups?.newestShipped?.replica, 'example-0');
});

test('removing the store drops BackupsShipped and the shipped fields', async () => {
  const w = world(true);
  w.agents.replicas = [{ pod: 'example-0', shipping: report(FIRST) }];
  await w.pass();
  assert.is(w.shipped()?.status, 'True');
  const current = w.kube.get<ReturnType<typeof cluster>>(CLUSTER);
  if (!current) throw new Error('cluster missing');
  delete current.spec.backup.objectStore;
  // a user edits the spec; the status stays the operator's
  const { status: _status, ...edited } = current;
  w.kube.put(edited);
  const asked = w.agents.asked;
  await w.pass();
  assert.is(w.agents.asked, asked);
  assert.is(w.shipped(), undefined);
  assert.is(w.status()?.backups?.newestShipped, undefined);
  assert.is(w.status()?.backups?.shippedObjects, undefined);
});

test.run();
