import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summarizeBackupFile } from '../../../src/agent/backup-summary-file.ts';
import { summarizeCronJob } from '../../../src/aurora/snapshot-summaries.ts';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { backupName, backupsToPrune, readBackupFile, saveBackup } from '../../world/simulator/backups.ts';

test('names backups by local minute', () => {
  assert.is(backupName(new Date(2024, 0, 2, 3, 4, 59)), 'scheduler-backup-2024-01-02-03-04');
});

test('names follow the process time zone (TZ, or -Duser.timezone that scheduler-main copies into TZ)', () => {
  const saved = process.env['TZ'];
  const midnightUtc = new Date(Date.UTC(2024, 0, 1, 0, 0));
  try {
    process.env['TZ'] = 'Asia/Kolkata';
    assert.is(backupName(midnightUtc), 'scheduler-backup-2024-01-01-05-30');
    process.env['TZ'] = 'America/New_York';
    assert.is(backupName(midnightUtc), 'scheduler-backup-2023-12-31-19-00');
    process.env['TZ'] = 'UTC';
    assert.is(backupName(midnightUtc), 'scheduler-backup-2024-01-01-00-00');
  } finally {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  }
});

test('prunes the oldest by name and ignores other files', () => {
  const names = [
    'scheduler-backup-2024-01-01-00-02',
    'temp_x',
    'scheduler-backup-2024-01-01-00-00',
    'scheduler-backup-2024-01-01-00-01',
  ];
  assert.equal(backupsToPrune(names, 2), ['scheduler-backup-2024-01-01-00-00']);
  assert.equal(backupsToPrune(names, 5), []);
});

test('writes a readable TBinary snapshot, overwrites within a minute and prunes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backups-'));
  try {
    writeFileSync(join(dir, 'scheduler-backup-2000-01-01-00-00'), '');
    writeFileSync(join(dir, 'scheduler-backup-2000-01-01-00-01'), '');
    const task = { assignedTask: { taskId: 't', instanceId: 0 }, status: ScheduleStatus.RUNNING };
    const now = new Date(2024, 5, 1, 12, 30);
    const name = saveBackup({ tasks: [task], frameworkId: 'fw' }, { dir, maxSaved: 2, now });
    assert.is(saveBackup({ tasks: [] }, { dir, maxSaved: 2, now }), name);
    assert.equal(readdirSync(dir).sort(), ['scheduler-backup-2000-01-01-00-01', name]);
    assert.equal(readBackupFile(join(dir, name)), { tasks: [] });
    assert.throws(
      () => saveBackup({ tasks: [] }, { dir, maxSaved: 2, now, fail: true }),
      /No space left on device/,
    );
    assert.not.ok(readdirSync(dir).some((n) => n.startsWith('temp_')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cron templates and quotas go to Snapshot fields 5 and 8, which the operator reads back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backups-'));
  try {
    const cron = {
      key: { role: 'batch', environment: 'prod', name: 'nightly' },
      cronSchedule: '0 2 * * *',
      instanceCount: 1,
      taskConfig: { isService: false, job: { role: 'batch', environment: 'prod', name: 'nightly' } },
    };
    const quota = { role: 'www', quota: { resources: [{ numCpus: 4 }, { ramMb: 8192 }, { diskMb: 1024 }] } };
    const state = { tasks: [], cronJobs: [cron], quotas: [quota] };
    const name = saveBackup(state, { dir, maxSaved: 5, now: new Date(2024, 5, 1, 12, 30) });
    assert.equal(readBackupFile(join(dir, name)), state, 'a staged or recovered backup brings them back');
    const read = await summarizeBackupFile(name, join(dir, name));
    if (!('summary' in read)) throw new Error(read.problem);
    assert.equal(read.summary.cronJobs, [summarizeCronJob(cron)]);
    assert.equal(read.summary.quotas, [{ role: 'www', resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
