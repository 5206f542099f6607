// BackupsHealthy: failing counters of the same leader, stale newest backup against 2 × the effective interval.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backupTime,
  backupsHealthy,
  newestBackup,
  newestBackupAgeSecs,
  nextBackupsStatus,
} from '../../../src/diagnostics/backup-health.ts';

const now = new Date('2026-01-01T12:00:00Z');
const leader = {
  pod: 'a-0',
  uid: 'u0',
  successTotal: 2,
  failedTotal: 0,
  names: ['scheduler-backup-2026-01-01-11-50'],
};

test('backup names are read as UTC minutes; temp files and others are ignored', () => {
  assert.equal(backupTime('scheduler-backup-2026-01-01-11-50'), new Date('2026-01-01T11:50:00Z'));
  assert.is(backupTime('temp_scheduler-backup-2026-01-01-11-50'), undefined);
  assert.is(
    newestBackup(['scheduler-backup-2026-01-01-11-50', 'scheduler-backup-2026-01-01-11-55', 'x'])?.name,
    'scheduler-backup-2026-01-01-11-55',
  );
});

test('age counts from the end of the minute, so it is never overstated', () => {
  const status = nextBackupsStatus(undefined, leader, now);
  assert.is(newestBackupAgeSecs({ status, now }), 540);
});

test('a rising failed counter without a success is BackupFailing until a success', () => {
  const first = nextBackupsStatus(undefined, leader, now);
  const failing = nextBackupsStatus(first, { ...leader, failedTotal: 1 }, now);
  assert.is(failing?.failingSince, now.toISOString());
  const facts = { effectiveIntervalMs: 3_600_000, now };
  const v = backupsHealthy({ ...facts, status: failing });
  assert.is(v.status, 'False');
  assert.is(v.reason, 'BackupFailing');
  assert.match(v.message, /scheduler_backup_failed on a-0 rose to 1/);
  const still = nextBackupsStatus(failing, { ...leader, failedTotal: 1 }, now);
  assert.is(still?.failingSince, now.toISOString(), 'sticky while nothing changes');
  const recovered = nextBackupsStatus(still, { ...leader, successTotal: 3, failedTotal: 1 }, now);
  assert.is(recovered?.failingSince, undefined);
});

test('counters of a new leader process are not compared with the old one', () => {
  const first = nextBackupsStatus(undefined, { ...leader, successTotal: 9, failedTotal: 5 }, now);
  const other = nextBackupsStatus(
    first,
    { ...leader, uid: 'u1', successTotal: 0, failedTotal: 0, names: [] },
    now,
  );
  assert.is(other?.failingSince, undefined);
  assert.is(other?.newest, 'scheduler-backup-2026-01-01-11-50', 'the previous newest backup is kept');
});

test('stale when older than twice max(backup_interval, dlog_snapshot_interval)', () => {
  const status = nextBackupsStatus(undefined, leader, now);
  assert.is(backupsHealthy({ status, effectiveIntervalMs: 600_000, now }).reason, 'BackupsRecent');
  const stale = backupsHealthy({ status, effectiveIntervalMs: 240_000, now });
  assert.is(stale.reason, 'BackupStale');
  assert.match(stale.message, /is more than 8m old, twice the effective interval/);
  const none = nextBackupsStatus(undefined, { ...leader, names: [] }, now);
  assert.is(
    backupsHealthy({ status: none, effectiveIntervalMs: 60_000, leaderUptimeSecs: 30, now }).reason,
    'AwaitingFirstBackup',
  );
  assert.is(
    backupsHealthy({ status: none, effectiveIntervalMs: 60_000, leaderUptimeSecs: 300, now }).reason,
    'BackupStale',
  );
  assert.is(backupsHealthy({ status: undefined, effectiveIntervalMs: 60_000, now }).status, 'Unknown');
});

test('a newer backup recorded by another feature (backup agents) counts', () => {
  const status = nextBackupsStatus(undefined, leader, now);
  const v = backupsHealthy({
    status,
    otherNewestAt: '2026-01-01T11:58:00Z',
    effectiveIntervalMs: 240_000,
    now,
  });
  assert.is(v.reason, 'BackupsRecent');
});

test.run();
