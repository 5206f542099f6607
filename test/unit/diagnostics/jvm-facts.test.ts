// Diagnostics that depend on how the scheduler JVM behaves: exit codes of planned shutdowns, backup-name time zone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backupTime,
  newestBackup,
  nextBackupsStatus,
  schedulerTimeZone,
} from '../../../src/diagnostics/backup-health.ts';
import { isPlannedExit, PLANNED_EXIT_CODES } from '../../../src/diagnostics/restart-history.ts';
import { schedulersStable } from '../../../src/diagnostics/schedulers-stable.ts';

const now = new Date('2026-01-01T12:00:00Z');
const ctx = { now, windowMs: 600_000, maxLeadingMs: 3_600_000 };
const at = (minAgo: number): string => new Date(now.getTime() - minAgo * 60_000).toISOString();

test('a planned shutdown may end with 0 (main returns) or 143 (SIGTERM to a lingering JVM); 1 and 137 never', () => {
  assert.equal(PLANNED_EXIT_CODES, [0, 143]);
  const long = { startedAt: at(70), finishedAt: at(5) };
  assert.ok(isPlannedExit({ exitCode: 0, ...long }, ctx));
  assert.ok(isPlannedExit({ exitCode: 143, ...long }, ctx));
  assert.not.ok(isPlannedExit({ exitCode: 1, ...long }, ctx));
  assert.not.ok(isPlannedExit({ exitCode: 137, ...long }, ctx));
  assert.ok(
    isPlannedExit({ exitCode: 143, startedAt: at(7), finishedAt: at(5) }, { ...ctx, lockSince: at(6) }),
  );
});

test('SchedulersStable calls a planned exit 143 a planned failover, an unplanned 143 a crash', () => {
  const exit = (planned: boolean) => ({ finishedAt: at(1), exitCode: 143, ranSeconds: 3700, planned });
  const r = (planned: boolean) => [{ name: 'a-0', restarts: 1, recentExits: [exit(planned)] }];
  assert.is(schedulersStable(r(true), '10mins').reason, 'PlannedFailover');
  assert.is(schedulersStable(r(false), '10mins').reason, 'Crashing');
});

test('backup names are read in the JVM zone from -Duser.timezone, else UTC', () => {
  assert.is(schedulerTimeZone([]), 'UTC');
  assert.is(schedulerTimeZone(['-Xmx2g', '-Duser.timezone=America/New_York']), 'America/New_York');
  assert.is(schedulerTimeZone(['-Duser.timezone=Not/AZone']), 'UTC');
  const name = 'scheduler-backup-2024-07-01-08-30';
  assert.is(backupTime(name)?.toISOString(), '2024-07-01T08:30:00.000Z');
  assert.is(backupTime(name, 'America/New_York')?.toISOString(), '2024-07-01T12:30:00.000Z');
  assert.is(
    backupTime('scheduler-backup-2024-01-01-05-30', 'Asia/Kolkata')?.toISOString(),
    '2024-01-01T00:00:00.000Z',
  );
  // just after the spring-forward change, New York is UTC-4
  assert.is(
    backupTime('scheduler-backup-2024-03-10-03-00', 'America/New_York')?.toISOString(),
    '2024-03-10T07:00:00.000Z',
  );
});

test('the newest backup and its time come from the zone, so a non-UTC scheduler is neither stale nor early', () => {
  const names = ['scheduler-backup-2026-01-01-06-50', 'scheduler-backup-2026-01-01-06-40'];
  assert.is(newestBackup(names, 'America/New_York')?.name, 'scheduler-backup-2026-01-01-06-50');
  const status = nextBackupsStatus(
    undefined,
    { pod: 'a-0', uid: 'u', successTotal: 1, names },
    now,
    'America/New_York',
  );
  assert.is(status?.newestAt, '2026-01-01T11:50:00.000Z');
});

test.run();
