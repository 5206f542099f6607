// The cluster pass's pure plan: when it may write, the replicas refusal, the lock and the decisions status reuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraCluster } from '../../../src/api/aurora-cluster.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import { planCluster } from '../../../src/cluster/plan.ts';
import { NO_EVIDENCE } from '../../support/cluster-status.ts';
import { cluster, healthyObserved } from './fixtures.ts';

const now = new Date('2026-11-21T10:00:00Z');
const LOCK = 'aurora-operator.io/restore-lock';

function withStatefulSet(observed: ObservedCluster, replicas: number, stamped?: number): ObservedCluster {
  const annotations = stamped === undefined ? {} : { 'aurora-operator.io/cluster-replicas': String(stamped) };
  return { ...observed, statefulSet: { ...observed.statefulSet, exists: true, replicas, annotations } };
}

function locked(holder: string): AuroraCluster {
  const c = cluster();
  c.metadata.annotations = { [LOCK]: holder };
  return c;
}

test('an unlocked cluster whose StatefulSet matches its spec may write and gets no refusal', () => {
  const plan = planCluster(
    cluster(),
    { observed: withStatefulSet(healthyObserved(), 3, 3), evidence: NO_EVIDENCE },
    now,
  );
  assert.ok(plan.writes);
  assert.is(plan.refusal, undefined);
  assert.is(plan.quorum, 2);
  assert.is(plan.recovered, 3);
  assert.ok(plan.initialized);
  assert.is(plan.leader.kind, 'elected');
});

test('changing spec.replicas plans a scaling change (checkpoint first), not a refusal; a restore scale-down is none', () => {
  const scaling = planCluster(
    cluster(undefined, 5),
    { observed: withStatefulSet(healthyObserved(), 3, 3), evidence: NO_EVIDENCE },
    now,
  );
  assert.is(scaling.refusal, undefined);
  assert.ok(scaling.writes);
  assert.equal(scaling.scaling.checkpoint, { from: 3, to: 5, step: 'Planned', startedAt: now.toISOString() });
  assert.equal(scaling.scaling.target, { replicas: 3, quorum: 2 }, 'nothing moves before the checkpoint');
  // a restore left the StatefulSet at 0 (its lock since released): the cluster's spec still matches
  const leftover = planCluster(
    cluster(),
    { observed: withStatefulSet(healthyObserved(), 0, 3), evidence: NO_EVIDENCE },
    now,
  );
  assert.is(leftover.refusal, undefined);
  assert.is(leftover.scaling.checkpoint, undefined);
  assert.equal(leftover.scaling.target, { replicas: 3, quorum: 2 });
  assert.ok(leftover.writes);
});

test('a locked cluster writes nothing; a lock whose restore is gone or finished is planned for release', () => {
  const observed = withStatefulSet(healthyObserved(), 0, 3);
  const live = planCluster(
    locked('r1'),
    {
      observed,
      evidence: NO_EVIDENCE,
      lockHolder: { name: 'r1', restore: { status: { phase: 'Running' } } },
    },
    now,
  );
  assert.not.ok(live.writes);
  assert.is(live.lockedBy, 'r1');
  assert.is(live.releaseLock, undefined);
  assert.equal(live.rollout, { action: 'none' });
  const gone = planCluster(
    locked('r1'),
    { observed, evidence: NO_EVIDENCE, lockHolder: { name: 'r1', restore: undefined } },
    now,
  );
  assert.match(gone.releaseLock ?? '', /no longer exists/);
  const done = planCluster(
    locked('r1'),
    {
      observed,
      evidence: NO_EVIDENCE,
      lockHolder: { name: 'r1', restore: { status: { phase: 'Succeeded' } } },
    },
    now,
  );
  assert.match(done.releaseLock ?? '', /finished/);
  // without a lookup of the holder nothing is released
  assert.is(planCluster(locked('r1'), { observed, evidence: NO_EVIDENCE }, now).releaseLock, undefined);
});

test.run();
