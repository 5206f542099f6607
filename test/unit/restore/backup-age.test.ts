// The stale-backup rule and the spec fields behind it: maxBackupAge (an Aurora duration, default 6hrs),
// acceptBackupAge, and backupId latest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRestoreSpec } from '../../../src/api/aurora-restore.ts';
import { planBackupAge } from '../../../src/restore/backup-age.ts';

const now = new Date('2024-02-01T00:00:00Z');
const hoursAgo = (h: number): number => now.getTime() - h * 3600_000;
const spec = (extra: Record<string, unknown> = {}) =>
  AuroraRestoreSpec.parse({ cluster: 'example', backupId: 'latest', ...extra });

test('the spec defaults to 6hrs and no acceptance, takes latest and rejects other durations or ids', () => {
  const s = spec();
  assert.is(s.maxBackupAge, '6hrs');
  assert.is(s.acceptBackupAge, false);
  assert.is(s.backupId, 'latest');
  assert.not.ok(AuroraRestoreSpec.safeParse({ cluster: 'c', backupId: 'newest' }).success);
  assert.not.ok(
    AuroraRestoreSpec.safeParse({ cluster: 'c', backupId: 'latest', maxBackupAge: '6h' }).success,
  );
});

test('a snapshot within maxBackupAge passes; past it fails naming age, limit and both fields', () => {
  assert.equal(planBackupAge('b', hoursAgo(5), spec(), now), { ok: true, ageMs: 5 * 3600_000 });
  const old = planBackupAge('b', hoursAgo(7), spec(), now);
  assert.is(old.ok, false);
  assert.match(old.ok ? '' : old.message, /backup b is 7h0m old .*older than spec.maxBackupAge 6hrs/);
  assert.match(old.ok ? '' : old.message, /spec.acceptBackupAge: true or a larger spec.maxBackupAge/);
});

test('acceptBackupAge or a larger limit lets an old one through; an unknown age needs acceptBackupAge', () => {
  const accepted = planBackupAge('b', hoursAgo(30), spec({ acceptBackupAge: true }), now);
  assert.ok(accepted.ok && accepted.note?.includes('accepted by acceptBackupAge'));
  assert.ok(planBackupAge('b', hoursAgo(30), spec({ maxBackupAge: '2days' }), now).ok);
  assert.not.ok(planBackupAge('b', hoursAgo(0.01), spec({ maxBackupAge: '1secs' }), now).ok);
  assert.not.ok(planBackupAge('b', undefined, spec(), now).ok);
  assert.ok(planBackupAge('b', undefined, spec({ acceptBackupAge: true }), now).ok);
});

test.run();
