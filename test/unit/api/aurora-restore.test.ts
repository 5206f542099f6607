import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRestoreSpec } from '../../../src/api/aurora-restore.ts';

test('defaults: no approval, traffic blocked, Staged strategy, nothing deleted', () => {
  const spec = AuroraRestoreSpec.parse({ cluster: 'example', backupId: 'scheduler-backup-2024-01-31-23-00' });
  assert.equal(spec, {
    cluster: 'example',
    backupId: 'scheduler-backup-2024-01-31-23-00',
    maxBackupAge: '6hrs',
    acceptBackupAge: false,
    deleteTasks: { taskIds: [], jobKeys: [] },
    approval: { required: false, approved: false },
    blockClientTraffic: true,
    strategy: 'Staged',
    cancel: false,
  });
});

test('backupId and job keys are validated', () => {
  const base = { cluster: 'example', backupId: 'scheduler-backup-2024-01-31-23-00' };
  assert.not.ok(AuroraRestoreSpec.safeParse({ ...base, backupId: 'scheduler-backup-2024-01-31' }).success);
  assert.not.ok(AuroraRestoreSpec.safeParse({ ...base, backupId: 'backup-2024-01-31-23-00' }).success);
  assert.ok(AuroraRestoreSpec.safeParse({ ...base, deleteTasks: { jobKeys: ['www/prod/hello'] } }).success);
  assert.not.ok(AuroraRestoreSpec.safeParse({ ...base, deleteTasks: { jobKeys: ['www/hello'] } }).success);
  assert.not.ok(AuroraRestoreSpec.safeParse({ ...base, strategy: 'Online' }).success);
});

test('the Offline strategy refuses approval and task deletion, which need a staged snapshot', () => {
  const base = { cluster: 'example', backupId: 'scheduler-backup-2026-01-01-00-00', strategy: 'Offline' };
  assert.ok(AuroraRestoreSpec.safeParse(base).success);
  for (const extra of [{ approval: { required: true } }, { deleteTasks: { taskIds: ['t-1'] } }]) {
    const result = AuroraRestoreSpec.safeParse({ ...base, ...extra });
    assert.not.ok(result.success);
    assert.match(JSON.stringify(result.error?.issues), /need strategy Staged/);
  }
  assert.ok(
    AuroraRestoreSpec.safeParse({ ...base, strategy: 'Staged', approval: { required: true } }).success,
  );
});

test.run();
