import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { saveBackup } from '../../world/simulator/backups.ts';
import { createStagedRecovery, RecoveryError } from '../../world/simulator/staged-recovery.ts';

function noBackupLoaded(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, RecoveryError);
  assert.is((caught as RecoveryError).message, 'No backup loaded.');
}

test('a staged backup lives only in the memory of the process that staged it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'staged-'));
  try {
    const task = { assignedTask: { taskId: 't', instanceId: 0 }, status: ScheduleStatus.RUNNING };
    const name = saveBackup({ tasks: [task] }, { dir, maxSaved: 5, now: new Date(2024, 0, 1, 0, 0) });
    const leader = createStagedRecovery(dir);
    leader.stage(name);
    assert.is(leader.query({}).length, 1);
    // A restarted or failed-over scheduler starts with nothing staged, although the backup file is still there.
    const next = createStagedRecovery(dir);
    noBackupLoaded(() => next.query({}));
    noBackupLoaded(() => next.take());
    noBackupLoaded(() => next.deleteTasks({}));
    // Committing hands the state out once and forgets it.
    assert.equal(leader.take().tasks.length, 1);
    noBackupLoaded(() => leader.take());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
