// reconcileAuroraRestore driven to its end against the memory API server and a scripted Aurora: the Staged restore
// survives being killed between any two writes, a lost commit, a foreign log, a terminal failure and a cancel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { OperatorKilled } from '../../support/memory-kube.ts';
import { RestoreWorld, type WorldSummary } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const BACKUP_TASKS = ['www-prod-web-0', 'www-prod-web-1', 'www-prod-api-0', 'ops-prod-cron-0'];
const DELETE = { taskIds: ['www-prod-web-1'], jobKeys: ['ops/prod/cron'] };
const RESTORED = ['www-prod-api-0', 'www-prod-web-0'];

function stagedWorld(spec: Record<string, unknown> = {}): RestoreWorld {
  return new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore({ deleteTasks: DELETE, ...spec }),
    tasks: BEFORE,
    backup: { id: BACKUP, tasks: BACKUP_TASKS, ordinal: 2, takenAt: '2024-01-31T23:00:10.000Z', size: 1234 },
  });
}

/** the cluster released in the normal configuration, holding `log`, each replica wiped exactly once */
const released = (log: readonly string[], extra: Partial<WorldSummary> = {}): WorldSummary => ({
  lock: undefined,
  restoreConfig: undefined,
  networkPolicy: false,
  mode: 'normal',
  replicas: 3,
  log: [...log].sort(),
  wipes: [1, 1, 1],
  rollbacks: [0, 0, 0],
  ...extra,
});

const killOperator = (world: RestoreWorld) => {
  world.kube.failAfterWrites(0);
  throw new OperatorKilled('the next write');
};

test('happy path: Succeeded, and the log holds the staged snapshot minus deleteTasks', async () => {
  const world = stagedWorld();
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(log.errors, []);
  assert.equal(world.summary(), released(RESTORED));
  assert.is(world.aurora.commitCalls, 1);
  assert.is(world.restore().status?.preview?.taskCount, RESTORED.length);
});

test('killed between any two writes and resumed by a fresh reconcile: Succeeded, each replica wiped once', async () => {
  const reference = stagedWorld();
  await reference.drive();
  const total = reference.kube.writes.length;
  assert.ok(total > 40, `the happy path made ${total} writes`);
  for (let landed = 0; landed < total; landed++) {
    const world = stagedWorld();
    world.kube.failAfterWrites(landed);
    const log = await world.drive();
    const context = `killed after write ${landed} (${reference.kube.writes[landed - 1] ?? 'none'})`;
    assert.is(log.phases.at(-1), 'Succeeded', context);
    assert.is(log.errors.length, 1, context);
    assert.instance(log.errors[0], OperatorKilled, context);
    assert.equal(world.summary(), released(RESTORED), context);
  }
});

test('the leader dies inside commitRecovery: the empty log is proven, the backup re-staged and committed', async () => {
  const world = stagedWorld();
  world.aurora.onCommit.push('lose-leader');
  let unready = false;
  const log = await world.drive({
    beforePass: (w) => {
      // the new leader cannot read its storage at first: "nothing staged" alone must not pass for a commit
      if (unready || w.aurora.commitCalls !== 1) return;
      unready = true;
      w.aurora.unreadyReads = 4;
    },
  });
  assert.ok(unready);
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.match(String(log.errors[0]), /commitRecovery/);
  assert.is(log.errors.length, 1);
  assert.ok(world.kube.events.some((e) => e.reason === 'Rewinding' && /did not land/.test(e.message)));
  assert.is(world.aurora.commitCalls, 2);
  assert.is(world.restore().status?.commitAttempts, 2);
  assert.equal(world.summary(), released(RESTORED));
});

test('the leader is lost after the commit intent, before commitRecovery: re-staged on the new leader', async () => {
  const world = stagedWorld();
  let fired = false;
  const log = await world.drive({
    faultHook: async (_restore, step, window) => {
      if (fired || step !== 'Commit' || window !== 'intent') return false;
      fired = true;
      world.aurora.failover();
      killOperator(world);
      return false;
    },
  });
  assert.ok(fired);
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(world.aurora.commitCalls, 1, 'only the re-staged backup was committed');
  assert.ok(world.kube.events.some((e) => e.reason === 'Rewinding'));
  assert.equal(world.summary(), released(RESTORED));
  assert.ok(world.aurora.log.length > 0, 'never Succeeded with an empty log');
});

test('after the intent the log holds something else: Failed, the cluster stays locked, nothing more is written', async () => {
  const world = stagedWorld();
  world.aurora.onCommit.push('write-other');
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Failed']);
  const status = world.restore().status;
  assert.is(status?.error?.step, 'Commit');
  assert.match(status?.error?.message ?? '', /not the staged snapshot/);
  const partiallyDisabled = {
    ...released(['intruder-job-x-0']),
    lock: 'r1',
    restoreConfig: 'wipe',
    networkPolicy: true,
    mode: 'recovery',
  };
  assert.equal(world.summary(), partiallyDisabled);
  const writes = world.kube.writes.length;
  for (let i = 0; i < 3; i++) {
    world.tick();
    await reconcileAuroraRestore('aurora/r1', world.deps());
  }
  assert.is(world.kube.writes.length, writes);
  assert.is(world.restore().status?.phase, 'Failed');
  assert.equal(world.summary(), partiallyDisabled);
});

test('a terminal error before commit rolls back: RollingBack, then Failed with the cluster as it was', async () => {
  const world = stagedWorld();
  world.aurora.stageError = `Backup ${BACKUP} does not exist.`;
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'RollingBack', 'Failed']);
  assert.equal(log.errors, []);
  const status = world.restore().status;
  assert.is(status?.error?.step, 'StageRecovery');
  assert.match(status?.error?.message ?? '', /does not exist/);
  assert.is(status?.commitRequestedAt, undefined);
  assert.equal(world.summary(), released(BEFORE, { rollbacks: [1, 1, 1] }));
  assert.ok(world.kube.events.some((e) => e.reason === 'RolledBack'));
});

test('a backup its agent cannot decode fails at Validate: no lock, no wipe, no configuration touched', async () => {
  const world = stagedWorld();
  world.aurora.unreadable.set(BACKUP, 'TBinaryProtocol: unexpected end of data');
  const log = await world.drive();
  // a terminal error always passes RollingBack, which has nothing to undo here
  assert.equal(log.phases, ['RollingBack', 'Failed']);
  const status = world.restore().status;
  assert.is(status?.error?.step, 'Validate');
  assert.match(status?.error?.message ?? '', /is not a backup Aurora can load: TBinaryProtocol/);
  assert.equal(world.summary(), released(BEFORE, { wipes: [0, 0, 0] }));
});

test("the target replica's backups volume is full: PlaceBackup fails terminally and the restore rolls back", async () => {
  const world = stagedWorld();
  // the backup lies on ordinal 2; whichever other replica leads must receive a copy, and its volume is full
  world.aurora.fullVolumes.add(0);
  world.aurora.fullVolumes.add(1);
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'RollingBack', 'Failed']);
  const status = world.restore().status;
  assert.is(status?.error?.step, 'PlaceBackup');
  assert.match(status?.error?.message ?? '', /backups volume of example-[01] has no space/);
  assert.is(status?.commitRequestedAt, undefined);
  const summary = world.summary();
  assert.equal(summary.log, [...BEFORE].sort(), 'the log holds what it held before');
  assert.is(summary.lock, undefined);
  assert.is(summary.mode, 'normal');
});

test('cancel before the intent rolls back; the staged backup is unloaded', async () => {
  const world = stagedWorld({ approval: { required: true } });
  const log = await world.drive({
    beforePass: (w) => {
      if (w.restore().status?.phase === 'AwaitingApproval') w.patchRestoreSpec({ cancel: true });
    },
  });
  assert.equal(log.phases, ['Running', 'AwaitingApproval', 'Cancelling', 'Cancelled']);
  assert.is(world.aurora.commitCalls, 0);
  assert.is(world.aurora.staged, undefined);
  assert.equal(world.summary(), released(BEFORE, { rollbacks: [1, 1, 1] }));
});

test('cancel after the intent is refused: the restore finishes', async () => {
  const world = stagedWorld();
  let fired = false;
  const log = await world.drive({
    faultHook: async (_restore, step, window) => {
      if (fired || step !== 'Commit' || window !== 'intent') return false;
      fired = true;
      world.patchRestoreSpec({ cancel: true });
      killOperator(world);
      return false;
    },
  });
  assert.ok(fired);
  assert.is(world.restore().spec.cancel, true);
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(world.summary(), released(RESTORED));
});

test.run();
