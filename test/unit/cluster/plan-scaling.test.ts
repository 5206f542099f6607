// The scaling step table: the documented order up and down, the checkpoint before any action, a crash between the
// actions and the checkpoint of every pass, waiting while not Ready or locked, and a newer spec mid-way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planScaling } from '../../../src/cluster/plan-scaling.ts';
import { cluster, healthyObserved, pod } from './fixtures.ts';
import { ScalingSim } from './scaling-sim.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

test('3 → 5: the quorum is raised on all three (one at a time) before any replica is added', () => {
  const sim = new ScalingSim(3);
  const steps: string[] = [];
  for (let i = 0; i < 40 && (i === 0 || sim.checkpoint); i++) {
    const plan = sim.pass(5);
    if (plan.checkpoint && steps.at(-1) !== plan.checkpoint.step) steps.push(plan.checkpoint.step);
  }
  // WaitReady is verified done at once here: the simulated replicas are Ready as soon as they exist
  assert.equal(steps, ['Planned', 'RaiseQuorum', 'AddReplicas']);
  assert.equal(sim.violations, []);
  assert.is(sim.replicas, 5);
  assert.is(sim.quorum, 3);
  assert.ok(sim.configs.includes('233'), 'one scheduler at a time got the new quorum');
  assert.ok(sim.configs.indexOf('333') < sim.configs.indexOf('33333'));
});

test('5 → 3: leader moved off, highest ordinals removed one at a time, then the quorum lowered; PVCs kept', () => {
  const sim = new ScalingSim(5);
  sim.leader = 4;
  const steps: string[] = [];
  const deleted: string[] = [];
  for (let i = 0; i < 40 && (i === 0 || sim.checkpoint); i++) {
    const plan = sim.pass(3);
    if (plan.action.kind === 'delete-pod') deleted.push(plan.action.pod);
    if (plan.checkpoint && steps.at(-1) !== plan.checkpoint.step) steps.push(plan.checkpoint.step);
  }
  assert.equal(steps, ['Planned', 'MoveLeader', 'RemoveReplicas', 'LowerQuorum']);
  assert.equal(deleted, ['example-4'], 'the leader restarted so that a staying replica leads');
  assert.ok(sim.configs.includes('3333'), 'removed one at a time');
  assert.equal(sim.violations, []);
  assert.equal([sim.replicas, sim.quorum], [3, 2]);
  assert.equal(sim.claims.get(4), false, 'the removed replica’s log PVC is retained');
});

test('a crash between the actions and the checkpoint of any pass still converges in order, up and down', () => {
  for (let crashAt = 0; crashAt < 14; crashAt++) {
    const sim = new ScalingSim(3);
    sim.drive(5, crashAt);
    sim.drive(3, crashAt);
    assert.equal(sim.violations, [], `crash at pass ${crashAt}`);
    assert.equal([sim.replicas, sim.quorum, sim.checkpoint], [3, 2, undefined]);
  }
});

test('a replica re-added over a retained log PVC is never started on its stale log', () => {
  const sim = new ScalingSim(3);
  sim.drive(5);
  sim.drive(3);
  assert.equal(sim.claims.get(3), false);
  sim.drive(5);
  assert.equal(sim.violations, []);
  assert.equal(sim.claims.get(3), true, 'a fresh claim replaced the stale one');
});

test('a newer spec.replicas mid-way finishes the running change first', () => {
  const sim = new ScalingSim(3);
  for (let i = 0; i < 4; i++) sim.pass(5);
  assert.is(sim.checkpoint?.to, 5);
  const plan = sim.pass(3);
  assert.is(plan.checkpoint?.to, 5, 'the 3 → 5 change goes on');
  assert.match(plan.progress?.message ?? '', 'spec.replicas is now 3');
  sim.drive(3);
  assert.equal(sim.violations, []);
  assert.equal([sim.replicas, sim.quorum], [3, 2]);
});

test('not Ready: the change waits with a reason and writes no checkpoint; a lock pauses a running change', () => {
  const observed = healthyObserved();
  observed.pods[2] = pod(2, { ready: false });
  const waiting = planScaling({
    cluster: cluster(undefined, 5),
    observed,
    leader: observed.pods[0],
    now: NOW,
  });
  assert.is(waiting.checkpoint, undefined);
  assert.equal(waiting.target, { replicas: 3, quorum: 2 });
  assert.is(waiting.progress?.reason, 'ScalingWaiting');
  assert.match(waiting.progress?.message ?? '', 'example-2 not healthy with log/recovered=1');
  const saved = { from: 3, to: 5, step: 'AddReplicas' as const };
  const locked = planScaling({
    cluster: cluster({ scaling: saved }, 5),
    observed: healthyObserved(),
    leader: undefined,
    blockedBy: 'AuroraRestore r1 holds the lock',
    now: NOW,
  });
  assert.equal(locked.checkpoint, saved);
  assert.equal(locked.action, { kind: 'none' });
  assert.match(locked.progress?.message ?? '', 'paused: AuroraRestore r1 holds the lock');
});

test.run();
