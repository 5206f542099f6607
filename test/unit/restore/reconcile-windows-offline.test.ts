// reconcileAuroraRestore driven to its end for the Offline strategy: recovery-tool runs alone, the restore survives
// being killed between any two writes, and a cancel is honoured before CommitPoint and refused after it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OperatorKilled } from '../../support/memory-kube.ts';
import { RestoreWorld, type WorldSummary } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { BACKUP, makeRestore } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const BACKUP_TASKS = ['www-prod-web-0', 'www-prod-web-1', 'www-prod-api-0'];

/** the backup lives on example-2, so PlaceBackup has to copy it to example-0 where recovery-tool runs */
function offlineWorld(): RestoreWorld {
  return new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore({ strategy: 'Offline' }),
    tasks: BEFORE,
    backup: { id: BACKUP, tasks: BACKUP_TASKS, ordinal: 2, takenAt: '2024-01-31T23:00:10.000Z', size: 1234 },
  });
}

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

test('happy path: the backup is copied to example-0, recovery-tool runs with no scheduler up, Succeeded', async () => {
  const world = offlineWorld();
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(log.errors, []);
  assert.equal(world.summary(), released(BACKUP_TASKS));
  assert.equal(world.aurora.recoveryAlongside, []);
  assert.is(world.aurora.snapshots, 1, 'the leader wrote the restored state to the quorum once');
  assert.ok(world.aurora.replica(0).backups.some((b) => b.name === BACKUP));
  assert.is(world.aurora.commitCalls, 0, 'the Offline strategy never stages through the API');
});

test('killed between any two writes and resumed by a fresh reconcile: Succeeded, each replica wiped once', async () => {
  const reference = offlineWorld();
  await reference.drive();
  const total = reference.kube.writes.length;
  assert.ok(total > 30, `the happy path made ${total} writes`);
  for (let landed = 0; landed < total; landed++) {
    const world = offlineWorld();
    world.kube.failAfterWrites(landed);
    const log = await world.drive();
    const context = `killed after write ${landed} (${reference.kube.writes[landed - 1] ?? 'none'})`;
    assert.is(log.phases.at(-1), 'Succeeded', context);
    assert.is(log.errors.length, 1, context);
    assert.instance(log.errors[0], OperatorKilled, context);
    assert.equal(world.summary(), released(BACKUP_TASKS), context);
    assert.equal(world.aurora.recoveryAlongside, [], context);
  }
});

test('cancel after CommitPoint is refused: the restored log goes live and the restore finishes', async () => {
  const world = offlineWorld();
  let cancelledAt: string | undefined;
  const log = await world.drive({
    beforePass: (w) => {
      if (cancelledAt || !w.restore().status?.commitRequestedAt) return;
      cancelledAt = w.restore().status?.step;
      w.patchRestoreSpec({ cancel: true });
    },
  });
  assert.ok(cancelledAt, 'the cancel was set');
  assert.is(world.restore().spec.cancel, true);
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(world.summary(), released(BACKUP_TASKS));
});

test('cancel before CommitPoint rolls every wiped replica back to its pre-restore log', async () => {
  const world = offlineWorld();
  const log = await world.drive({
    beforePass: (w) => {
      // recovery-tool has written ordinal 0's log; CommitPoint has not run
      if (w.aurora.replica(0).wipes === 1 && !w.restore().spec.cancel) w.patchRestoreSpec({ cancel: true });
    },
  });
  assert.equal(log.phases, ['Running', 'Cancelling', 'Cancelled']);
  assert.is(world.restore().status?.commitRequestedAt, undefined);
  assert.equal(world.summary(), released(BEFORE, { wipes: [1, 0, 0], rollbacks: [1, 0, 0] }));
});

test.run();
