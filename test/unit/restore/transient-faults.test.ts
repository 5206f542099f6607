// Transient faults at the commit: refusals and unanswered storage are waits, not attempts, and never change the
// restore's phase; only a commit that reached a leader holding the staged snapshot counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RpcFault } from '../../support/aurora-faults.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const BACKUP_TASKS = ['www-prod-web-0', 'www-prod-web-1', 'www-prod-api-0'];

function stagedWorld(): RestoreWorld {
  return new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore(),
    tasks: BEFORE,
    backup: { id: BACKUP, tasks: BACKUP_TASKS, ordinal: 2, takenAt: '2024-01-31T23:00:10.000Z', size: 1234 },
  });
}

/** script: the first `n` calls of `method` answer with `fault` */
function refuseFirst(world: RestoreWorld, method: string, n: number, fault: RpcFault): { seen: number } {
  const counter = { seen: 0 };
  world.aurora.rpcFault = (m) => {
    if (m !== method) return undefined;
    counter.seen++;
    return counter.seen <= n ? fault : undefined;
  };
  return counter;
}

test('commitRecovery refused 3 times with ERROR_TRANSIENT: Succeeded, one attempt counted, phase never changed', async () => {
  const world = stagedWorld();
  const calls = refuseFirst(world, 'commitRecovery', 3, 'transient');
  const messages: string[] = [];
  const log = await world.drive({
    beforePass: (w) => {
      const m = w.restore().status?.timeline?.find((t) => t.step === 'Commit')?.message;
      if (m && m !== messages.at(-1)) messages.push(m);
    },
  });
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(calls.seen, 4, 'three refusals, then the commit that landed');
  assert.is(world.aurora.commitCalls, 1);
  assert.is(world.restore().status?.commitAttempts, 1);
  assert.equal([...world.aurora.log].sort(), [...BACKUP_TASKS].sort());
  assert.ok(
    messages.some((m) => /retrying for \d+ s \(3 tries\): commitRecovery refused, not counted/.test(m)),
    messages.join('\n'),
  );
});

for (const fault of ['refused', 'transient'] as const) {
  test(`commitRecovery ${fault} 20 times in a row still ends Succeeded with one attempt`, async () => {
    const world = stagedWorld();
    refuseFirst(world, 'commitRecovery', 20, fault);
    const log = await world.drive();
    assert.equal(log.phases, ['Running', 'Succeeded']);
    assert.is(world.restore().status?.commitAttempts, 1);
    assert.is(log.errors.length, 20, 'each refusal was a retry with back-off');
  });
}

test('a reset before the commit was processed is refunded: the same leader still holds the snapshot', async () => {
  const world = stagedWorld();
  refuseFirst(world, 'commitRecovery', 5, 'reset');
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(world.aurora.commitCalls, 1);
  assert.is(world.restore().status?.commitAttempts, 1);
  assert.is(world.restore().status?.commitSentTo, undefined);
});

test('a leader dying inside commitRecovery 3 times spends the budget: Failed, never an endless loop', async () => {
  const world = stagedWorld();
  // each commit reaches the leader, which dies before writing; the same pods lead again after the restart
  world.aurora.onCommit.push('lose-leader', 'lose-leader', 'lose-leader');
  const log = await world.drive({ maxPasses: 600 });
  assert.is(log.phases.at(-1), 'Failed');
  assert.is(world.aurora.commitCalls, 3);
  assert.is(world.restore().status?.commitAttempts, 3);
  assert.match(
    world.restore().status?.error?.message ?? '',
    /reached a leader holding the staged snapshot 3 times/,
  );
});

test('a leader restarting in its pod inside commitRecovery 3 times spends the budget (no refund after staging anew)', async () => {
  const world = stagedWorld();
  world.aurora.onCommit.push('restart-in-place', 'restart-in-place', 'restart-in-place');
  const log = await world.drive({ maxPasses: 600 });
  assert.is(log.phases.at(-1), 'Failed');
  assert.is(world.aurora.commitCalls, 3);
  assert.is(world.restore().status?.commitAttempts, 3);
});

test('a reply lost after the commit landed counts once and the log proves the commit', async () => {
  const world = stagedWorld();
  refuseFirst(world, 'commitRecovery', 1, 'lost-reply');
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(world.aurora.commitCalls, 1);
  assert.is(world.restore().status?.commitAttempts, 1);
  assert.equal([...world.aurora.log].sort(), [...BACKUP_TASKS].sort());
});

test('storage not READY before the commit: commitRecovery is not sent until a bounded read answers', async () => {
  const world = stagedWorld();
  let held = false;
  let sentWhileUnready = 0;
  const reads = refuseFirst(world, 'getTasksWithoutConfigs', 0, 'transient');
  world.aurora.rpcFault = (m) => {
    if (m === 'getTasksWithoutConfigs') reads.seen++;
    if (m === 'commitRecovery' && world.aurora.unreadyReads > 0) sentWhileUnready++;
    return undefined;
  };
  const commitMessages = new Set<string>();
  const log = await world.drive({
    beforePass: (w) => {
      // once the backup is staged nothing reads storage before the commit does (Preview and Commit may follow
      // StageRecovery's checkpoint in one pass, so the scheduler's own state marks the moment)
      if (w.aurora.staged && !held) {
        held = true;
        w.aurora.unreadyReads = 8;
      }
      const message = w.restore().status?.timeline?.find((t) => t.step === 'Commit')?.message;
      if (message) commitMessages.add(message);
    },
  });
  assert.ok(held, 'the fault was placed at the Commit step');
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(sentWhileUnready, 0);
  assert.is(world.aurora.commitCalls, 1);
  assert.is(world.restore().status?.commitAttempts, 1);
  // the refusal is a wait with a message, not a fault: nothing is thrown and no retry is counted
  assert.ok(
    [...commitMessages].some((m) => /commitRecovery not sent yet: the leader's storage is not READY/.test(m)),
    [...commitMessages].join(' | '),
  );
  assert.not.ok(log.errors.some((e) => /commitRecovery/.test(String(e))));
});

test('the scheduler restarts in its pod after staging: the backup is staged again, never a terminal error', async () => {
  const world = stagedWorld();
  // the approval holds the restore between StageRecovery's checkpoint and the commit, where the staged state is lost
  world.patchRestoreSpec({ approval: { required: true } });
  let dropped = false;
  const log = await world.drive({
    beforePass: (w) => {
      const staged = w.restore().status?.timeline?.some((t) => t.step === 'StageRecovery' && t.finishedAt);
      if (!dropped && staged && w.aurora.staged) {
        dropped = true;
        w.aurora.staged = undefined;
      }
      if (dropped && w.restore().status?.phase === 'AwaitingApproval') {
        w.patchRestoreSpec({ approval: { required: true, approved: true } });
      }
    },
  });
  assert.ok(dropped);
  // the phase recorded after each pass: the loss is found while the restore awaits approval, then it stages again
  assert.equal(log.phases, ['Running', 'AwaitingApproval', 'Running', 'Succeeded']);
  assert.ok(world.kube.events.some((e) => e.reason === 'Rewinding' && /staged .* is gone/.test(e.message)));
  assert.equal([...world.aurora.log].sort(), [...BACKUP_TASKS].sort());
});

test.run();
