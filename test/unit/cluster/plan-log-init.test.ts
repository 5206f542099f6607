import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { LOG_INITIALIZED_ANNOTATION } from '../../../src/api/contracts.ts';
import type { InitMarker } from '../../../src/aurora/init-marker-store.ts';
import { statusFrom } from '../../support/cluster-status.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import {
  planLogInit,
  type LogClaimView,
  type MarkerObservation,
} from '../../../src/cluster/plan-log-init.ts';
import { cluster, followerProbe, healthyObserved } from './fixtures.ts';

const PATH = '/aurora/replicated-log-aurora-operator';
const now = new Date('2026-11-21T10:00:00.000Z');
const BORN = '2026-11-21T09:00:00Z';

function aurora(status?: AuroraClusterStatus) {
  const c = cluster(status);
  c.metadata['creationTimestamp'] = BORN;
  return c;
}

/** starting pods: none reports an initialized log yet */
function starting(): ObservedCluster {
  const observed = healthyObserved();
  for (const p of observed.pods) p.probe = { ...followerProbe, healthy: false, logRecovered: false };
  return observed;
}

function recovering(count: number): ObservedCluster {
  const observed = starting();
  observed.pods.forEach((p, i) => {
    if (i < count && p.probe) p.probe = { ...p.probe, logRecovered: true };
  });
  return observed;
}

const marker = (overrides: Partial<InitMarker> = {}): MarkerObservation => ({
  kind: 'present',
  version: 4,
  marker: {
    namespace: 'aurora',
    name: 'example',
    uid: 'u1',
    createdAt: '2026-11-21T09:00:05.000Z',
    state: 'initializing',
    ...overrides,
  },
});

const claim = (ordinal: number, overrides: Partial<LogClaimView> = {}): LogClaimView => ({
  name: `log-example-${ordinal}`,
  ordinal,
  createdAt: new Date('2026-11-21T09:00:10Z'),
  deleting: false,
  ...overrides,
});

function plan(
  opts: {
    status?: AuroraClusterStatus;
    observed?: ObservedCluster;
    marker?: MarkerObservation;
    claims?: LogClaimView[];
    kubernetesCluster?: string;
  } = {},
) {
  return planLogInit({
    cluster: aurora(opts.status),
    observed: opts.observed ?? starting(),
    evidence: {
      markerPath: PATH,
      marker: opts.marker ?? { kind: 'absent' },
      claims: opts.claims ?? [],
      kubernetesCluster: opts.kubernetesCluster,
    },
    now,
  });
}

test('a brand-new cluster may initialize, after claiming the marker for this incarnation', () => {
  const p = plan({ claims: [claim(0), claim(1), claim(2)] });
  assert.is(p.allowed, true);
  assert.equal(p.claim, {
    namespace: 'aurora',
    name: 'example',
    uid: 'u1',
    createdAt: now.toISOString(),
    state: 'initializing',
  });
  assert.is(p.refusal, undefined);
  assert.is(p.markInitialized, undefined);
  assert.equal(p.annotate, []);
});

test('the claim and the initialized marker name the Kubernetes cluster the operator runs in', () => {
  const p = plan({ claims: [claim(0)], kubernetesCluster: 'kube-a' });
  assert.is(p.allowed, true);
  assert.is(p.claim?.kubernetesCluster, 'kube-a');
  // a marker written before the field existed is adopted and gains it once the log is initialized
  const adopted = plan({ observed: recovering(2), marker: marker(), kubernetesCluster: 'kube-a' });
  assert.is(adopted.markInitialized?.marker.kubernetesCluster, 'kube-a');
  assert.is(adopted.markInitialized?.marker.state, 'initialized');
});

test('the same namespace/name claimed from another Kubernetes cluster is evidence, never an own claim', () => {
  const p = plan({ marker: marker({ kubernetesCluster: 'kube-b' }), kubernetesCluster: 'kube-a' });
  assert.is(p.allowed, false);
  assert.is(p.claim, undefined);
  assert.is(p.markInitialized, undefined, "another owner's marker is never rewritten");
  assert.is(p.refusal?.reason, 'InitializationRefused');
  assert.match(p.refusal?.message ?? '', /another AuroraCluster, aurora\/example/);
  const recovered = plan({
    observed: recovering(2),
    marker: marker({ kubernetesCluster: 'kube-b' }),
    kubernetesCluster: 'kube-a',
  });
  assert.is(recovered.markInitialized, undefined);
});

test('the same incarnation keeps its claim after an operator restart, without claiming again', () => {
  const p = plan({ marker: marker(), claims: [claim(0)] });
  assert.is(p.allowed, true);
  assert.is(p.claim, undefined);
  assert.is(p.refusal, undefined);
});

test('a re-created AuroraCluster finding an initialized marker is refused, with the remedy', () => {
  const p = plan({
    marker: marker({ uid: 'old', state: 'initialized', initializedAt: '2026-11-01T00:00:00Z' }),
  });
  assert.is(p.allowed, false);
  assert.is(p.claim, undefined);
  assert.is(p.refusal?.reason, 'InitializationRefused');
  const message = p.refusal?.message ?? '';
  assert.match(message, `ZooKeeper marker ${PATH} records the log as initialized`);
  assert.match(message, 'an earlier AuroraCluster aurora/example (uid old)');
  assert.match(message, '0 of the 2 replicas needed');
  assert.match(message, 'never initializes replicas of an existing cluster');
  assert.match(message, 'AuroraRestore, strategy Offline');
  assert.match(message, `delete the znode ${PATH}`);
});

test('a claim left by an earlier incarnation is evidence too', () => {
  const p = plan({ marker: marker({ uid: 'old' }) });
  assert.is(p.allowed, false);
  assert.match(p.refusal?.message ?? '', 'was claimed for initialization by an earlier AuroraCluster');
});

test('a status wiped through the status subresource does not re-enable initialization', () => {
  const p = plan({ status: {}, marker: marker({ state: 'initialized' }) });
  assert.is(p.allowed, false);
  assert.is(p.refusal?.reason, 'InitializationRefused');
});

test('an annotated log PVC is evidence, and the remedy names its annotation', () => {
  const p = plan({ claims: [claim(0), claim(1, { initializedAt: '2026-11-01T00:00:00Z' })] });
  assert.is(p.allowed, false);
  assert.is(p.claim, undefined, 'nothing is claimed for a cluster that held data');
  const message = p.refusal?.message ?? '';
  assert.match(message, `log PVC log-example-1 carries ${LOG_INITIALIZED_ANNOTATION}`);
  assert.match(message, `the annotation ${LOG_INITIALIZED_ANNOTATION} from log-example-1`);
});

test('a log PVC older than the AuroraCluster is evidence', () => {
  const old = claim(2, { createdAt: new Date('2026-11-20T00:00:00Z') });
  const p = plan({ claims: [claim(0), old] });
  assert.is(p.allowed, false);
  assert.match(p.refusal?.message ?? '', 'log PVC log-example-2 is older than this AuroraCluster');
  const same = plan({ claims: [claim(0, { createdAt: new Date(BORN) })] });
  assert.is(same.allowed, true, 'a PVC created in the same second is not older');
});

test('an unreachable ZooKeeper holds initialization back and says why', () => {
  const p = plan({ marker: { kind: 'unreadable', error: 'ZooKeeper connect timed out after 3000ms' } });
  assert.is(p.allowed, false);
  assert.is(p.claim, undefined);
  assert.is(p.refusal?.reason, 'MarkerUnreadable');
  assert.match(p.refusal?.message ?? '', `cannot read its marker ${PATH}`);
  assert.match(p.refusal?.message ?? '', 'connect timed out');
});

test('a node at the marker path that the operator did not write is evidence', () => {
  const p = plan({ marker: { kind: 'unparsable', version: 0, detail: 'not JSON: "x"' } });
  assert.is(p.allowed, false);
  assert.match(p.refusal?.message ?? '', `ZooKeeper node ${PATH} exists but is not an operator marker`);
});

test("another cluster's marker on the same path is evidence, named as another owner", () => {
  const p = plan({ marker: marker({ namespace: 'other', name: 'prod', uid: 'x', state: 'initialized' }) });
  assert.is(p.allowed, false);
  assert.match(p.refusal?.message ?? '', 'another AuroraCluster, other/prod (uid x)');
});

test('a status that records the initialized log refuses as before, without the evidence condition', () => {
  const status = { replicatedLog: { initialized: true, initializedAt: '2026-11-01T00:00:00Z' } };
  const p = plan({ status, marker: marker({ state: 'initialized' }) });
  assert.is(p.allowed, false);
  assert.is(p.refusal, undefined);
});

test('a quorum of recovered replicas marks the claim initialized and annotates their PVCs', () => {
  const p = plan({ observed: recovering(2), marker: marker(), claims: [claim(0), claim(1), claim(2)] });
  assert.is(p.allowed, false);
  assert.is(p.refusal, undefined);
  assert.equal(p.markInitialized, {
    marker: {
      namespace: 'aurora',
      name: 'example',
      uid: 'u1',
      createdAt: '2026-11-21T09:00:05.000Z',
      state: 'initialized',
      initializedAt: now.toISOString(),
    },
    version: 4,
  });
  assert.equal(p.annotate, ['log-example-0', 'log-example-1']);
});

test('a running cluster from before the marker existed gets one, created as initialized', () => {
  const p = plan({ observed: healthyObserved(), claims: [claim(0), claim(1, { initializedAt: 'x' })] });
  assert.equal(p.markInitialized, {
    marker: {
      namespace: 'aurora',
      name: 'example',
      uid: 'u1',
      createdAt: now.toISOString(),
      state: 'initialized',
      initializedAt: now.toISOString(),
    },
    version: undefined,
  });
  assert.equal(p.annotate, ['log-example-0'], 'already annotated and missing claims are skipped');
});

test('an earlier incarnation that recovered its data takes the claim over as initialized', () => {
  const p = plan({ observed: recovering(2), marker: marker({ uid: 'old' }) });
  assert.is(p.markInitialized?.marker.uid, 'u1');
  assert.is(p.markInitialized?.marker.state, 'initialized');
  assert.is(p.markInitialized?.version, 4);
});

test("another owner's marker and an initialized one are left alone", () => {
  const other = plan({
    observed: recovering(3),
    marker: marker({ namespace: 'other', state: 'initializing' }),
  });
  assert.is(other.markInitialized, undefined);
  const done = plan({ observed: recovering(3), marker: marker({ state: 'initialized' }) });
  assert.is(done.markInitialized, undefined);
  const unreadable = plan({ observed: recovering(3), marker: { kind: 'unreadable', error: 'down' } });
  assert.is(unreadable.markInitialized, undefined);
  assert.is(
    unreadable.refusal,
    undefined,
    'a recovered quorum needs no initialization, so nothing is held back',
  );
});

test('a first recovered replica of a new cluster is not annotated before the quorum, so it refuses nothing', () => {
  const p = plan({ observed: recovering(1), marker: marker(), claims: [claim(0), claim(1)] });
  assert.is(p.allowed, true);
  assert.equal(p.annotate, []);
  assert.is(p.markInitialized, undefined);
});

test('recovered replicas of a refused cluster are annotated, except PVCs being deleted', () => {
  const p = plan({
    observed: recovering(2),
    marker: marker({ uid: 'old', state: 'initialized' }),
    claims: [claim(0), claim(1, { deleting: true })],
  });
  assert.equal(p.annotate, ['log-example-0']);
});

test('a refusal is the ReplicatedLogInitialized condition, and the cluster is Degraded rather than being created', () => {
  const p = plan({ marker: marker({ uid: 'old', state: 'initialized' }) });
  const status = statusFrom({
    cluster: aurora(),
    observed: starting(),
    rollout: { action: 'none' },
    now,
    logInitRefusal: p.refusal,
  });
  const cond = status.conditions?.find((c) => c.type === 'ReplicatedLogInitialized');
  assert.equal(
    [cond?.status, cond?.reason, cond?.message],
    ['False', 'InitializationRefused', p.refusal?.message],
  );
  assert.is(status.phase, 'Degraded');
  assert.is(status.conditions?.find((c) => c.type === 'Degraded')?.reason, 'QuorumLost');
  assert.equal(
    status.replicatedLog,
    { initialized: false },
    'the status records only what replicas reported',
  );
});

test.run();
