// When a rehearsal restore is due: the cron parser, its next tick, and the default "each new backup, hourly at most".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cronProblem, nextTick, parseCron } from '../../../src/api/cron-schedule.ts';
import { AuroraClusterSpec } from '../../../src/api/aurora-cluster.ts';
import { planRehearsalDue } from '../../../src/cluster/rehearsal-schedule.ts';
import { cluster } from './fixtures.ts';

const at = (iso: string): Date => new Date(iso);
const BACKUP = {
  name: 'scheduler-backup-2026-12-06-03-00',
  takenAt: '2026-12-06T03:00:00Z',
  replica: 'example-0',
};

test('cron: fields, ranges, lists and steps; wrong expressions name the field', () => {
  const s = parseCron('*/15 3,4 1-7 * 0');
  assert.equal([...s.minutes], [0, 15, 30, 45]);
  assert.equal([...s.hours], [3, 4]);
  assert.is(s.eitherDay, true);
  assert.ok(parseCron('0 0 * * 7').weekdays.has(0), '7 is Sunday');
  assert.match(cronProblem('60 * * * *') ?? '', /minute "60"/);
  assert.match(cronProblem('* * *') ?? '', /5 fields/);
  assert.match(cronProblem('* * * 13 *') ?? '', /month/);
  assert.is(cronProblem('30 3 * * *'), undefined);
});

test('nextTick finds the first matching minute in a window and none outside it', () => {
  const daily = parseCron('30 3 * * *');
  assert.equal(
    nextTick(daily, at('2026-12-06T03:00:10Z'), at('2026-12-07T00:00:00Z')),
    at('2026-12-06T03:30:00Z'),
  );
  assert.equal(nextTick(daily, at('2026-12-06T03:30:01Z'), at('2026-12-07T03:30:00Z')), undefined);
  // Vixie cron: with both day fields restricted, either matches (the 1st, or a Monday)
  const either = parseCron('0 0 1 * 1');
  assert.equal(
    nextTick(either, at('2026-12-02T00:00:00Z'), at('2027-01-02T00:00:00Z')),
    at('2026-12-07T00:00:00Z'),
  );
  const yearly = parseCron('0 0 29 2 *');
  assert.equal(
    nextTick(yearly, at('2026-03-01T00:00:00Z'), at('2029-01-01T00:00:00Z')),
    at('2028-02-29T00:00:00Z'),
  );
});

test('the schema refuses a bad schedule and defaults verify to enabled', () => {
  const spec = cluster().spec;
  assert.equal(spec.backup.verify, { enabled: true });
  const bad = AuroraClusterSpec.safeParse({ ...spec, backup: { verify: { schedule: '* * *' } } });
  assert.not.ok(bad.success);
  assert.match(JSON.stringify(bad.error?.issues), /5-field cron/);
});

test('default schedule: the first rehearsal at once, then each new backup at most once an hour', () => {
  const fresh = cluster();
  assert.match(
    planRehearsalDue({ cluster: fresh, newestBackup: BACKUP, now: at('2026-12-06T03:05:00Z') }) ?? '',
    /first/,
  );
  assert.is(
    planRehearsalDue({ cluster: fresh, newestBackup: undefined, now: at('2026-12-06T03:05:00Z') }),
    undefined,
  );
  const done = cluster({ backups: { lastVerified: { name: BACKUP.name, at: '2026-12-06T03:10:00Z' } } });
  const newer = { ...BACKUP, name: 'scheduler-backup-2026-12-06-04-00' };
  assert.is(
    planRehearsalDue({ cluster: done, newestBackup: BACKUP, now: at('2026-12-06T09:00:00Z') }),
    undefined,
  );
  assert.is(
    planRehearsalDue({ cluster: done, newestBackup: newer, now: at('2026-12-06T04:05:00Z') }),
    undefined,
  );
  assert.match(
    planRehearsalDue({ cluster: done, newestBackup: newer, now: at('2026-12-06T04:11:00Z') }) ?? '',
    /new backup/,
  );
  // a failure counts as the last attempt too
  const failed = cluster({
    backups: { lastFailed: { name: newer.name, at: '2026-12-06T04:20:00Z', reason: 'TasksDiffer' } },
  });
  assert.is(
    planRehearsalDue({ cluster: failed, newestBackup: newer, now: at('2026-12-06T06:00:00Z') }),
    undefined,
  );
});

test('a cron schedule rehearses at each tick after the last attempt, and never when disabled', () => {
  const c = cluster({ backups: { lastVerified: { name: BACKUP.name, at: '2026-12-06T03:30:20Z' } } });
  c.spec.backup.verify = { enabled: true, schedule: '*/10 * * * *' };
  assert.is(
    planRehearsalDue({ cluster: c, newestBackup: BACKUP, now: at('2026-12-06T03:39:59Z') }),
    undefined,
  );
  assert.match(
    planRehearsalDue({ cluster: c, newestBackup: BACKUP, now: at('2026-12-06T03:40:01Z') }) ?? '',
    /03:40/,
  );
  c.spec.backup.verify = { enabled: false, schedule: '*/10 * * * *' };
  assert.is(
    planRehearsalDue({ cluster: c, newestBackup: BACKUP, now: at('2026-12-06T05:00:00Z') }),
    undefined,
  );
});

test.run();
