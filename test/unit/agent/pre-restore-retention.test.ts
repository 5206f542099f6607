// Expiry of moved-aside logs on a temporary operator directory: only a succeeded, old enough restore loses its log.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prunePreRestoreLogs, startPreRestoreLogPruning } from '../../../src/agent/pre-restore-retention.ts';
import { createLogger } from '../../../src/log.ts';

const DAY = 86_400_000;
const NOW = new Date('2024-02-10T12:00:00.000Z');

function operatorDir(): string {
  return mkdtempSync(join(tmpdir(), 'pre-restore-retention-'));
}

/** preRestoreLog writes `pre-restore-<id>/` with a log file, and `<id>.succeeded` written `ageMs` before NOW. */
function preRestoreLog(dir: string, id: string, succeededAgeMs?: number): void {
  mkdirSync(join(dir, `pre-restore-${id}`));
  writeFileSync(join(dir, `pre-restore-${id}`, 'replica.json'), `log of ${id}`);
  if (succeededAgeMs === undefined) return;
  const marker = join(dir, `${id}.succeeded`);
  writeFileSync(marker, '');
  const at = new Date(NOW.getTime() - succeededAgeMs);
  utimesSync(marker, at, at);
}

async function waitUntil(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('removes the log of a restore marked succeeded longer ago than the retention, and only that', async () => {
  const dir = operatorDir();
  preRestoreLog(dir, 'expired', 4 * DAY);
  preRestoreLog(dir, 'recent', 2 * DAY);
  preRestoreLog(dir, 'in-progress');
  writeFileSync(join(dir, 'in-progress.wipe.done'), '');
  const removed = await prunePreRestoreLogs({ operatorDir: dir, retentionMs: 3 * DAY, now: () => NOW });
  assert.equal(removed, ['pre-restore-expired']);
  assert.equal(readdirSync(dir).sort(), [
    'expired.succeeded',
    'in-progress.wipe.done',
    'pre-restore-in-progress',
    'pre-restore-recent',
    'recent.succeeded',
  ]);
  assert.is(readFileSync(join(dir, 'pre-restore-recent', 'replica.json'), 'utf8'), 'log of recent');
  // a second pass later catches the recent one; a pass with nothing to do removes nothing
  const later = new Date(NOW.getTime() + 2 * DAY);
  assert.equal(await prunePreRestoreLogs({ operatorDir: dir, retentionMs: 3 * DAY, now: () => later }), [
    'pre-restore-recent',
  ]);
  assert.equal(await prunePreRestoreLogs({ operatorDir: dir, retentionMs: 3 * DAY, now: () => later }), []);
});

test('never removes a log without a succeeded marker, however old, nor one whose marker is not a file', async () => {
  const dir = operatorDir();
  preRestoreLog(dir, 'cancelled');
  writeFileSync(join(dir, 'cancelled.wipe.done'), '');
  writeFileSync(join(dir, 'cancelled.rollback.done'), '');
  preRestoreLog(dir, 'odd');
  mkdirSync(join(dir, 'odd.succeeded'));
  // the half-moved and rolling-back forms of a succeeded restore's log are not its pre-restore log
  preRestoreLog(dir, 'done', 10 * DAY);
  mkdirSync(join(dir, 'pre-restore-done.partial'));
  const removed = await prunePreRestoreLogs({ operatorDir: dir, retentionMs: 0, now: () => NOW });
  assert.equal(removed, ['pre-restore-done']);
  assert.ok(existsSync(join(dir, 'pre-restore-cancelled', 'replica.json')));
  assert.ok(existsSync(join(dir, 'pre-restore-odd', 'replica.json')));
  assert.ok(existsSync(join(dir, 'pre-restore-done.partial')));
});

test('a symlinked pre-restore entry is removed as a link; its target is untouched', async () => {
  const dir = operatorDir();
  const outside = operatorDir();
  writeFileSync(join(outside, 'precious'), 'keep');
  symlinkSync(outside, join(dir, 'pre-restore-linked'));
  writeFileSync(join(dir, 'linked.succeeded'), '');
  const old = new Date(NOW.getTime() - 5 * DAY);
  utimesSync(join(dir, 'linked.succeeded'), old, old);
  assert.equal(await prunePreRestoreLogs({ operatorDir: dir, retentionMs: DAY, now: () => NOW }), [
    'pre-restore-linked',
  ]);
  assert.is(readFileSync(join(outside, 'precious'), 'utf8'), 'keep');
});

test('a missing operator directory has nothing to prune', async () => {
  const dir = join(operatorDir(), 'not-created-yet');
  assert.equal(await prunePreRestoreLogs({ operatorDir: dir, retentionMs: 0, now: () => NOW }), []);
});

test('the agent prunes at start and again every interval until stopped', async () => {
  const dir = operatorDir();
  preRestoreLog(dir, 'first', 4 * DAY);
  const stop = startPreRestoreLogPruning({
    operatorDir: dir,
    retentionMs: 3 * DAY,
    now: () => NOW,
    log: createLogger('retention-test', 'silent'),
    intervalMs: 20,
  });
  try {
    await waitUntil('the first log is pruned at start', () => !existsSync(join(dir, 'pre-restore-first')));
    preRestoreLog(dir, 'second', 4 * DAY);
    await waitUntil(
      'the second log is pruned by a later pass',
      () => !existsSync(join(dir, 'pre-restore-second')),
    );
  } finally {
    stop();
  }
  preRestoreLog(dir, 'third', 4 * DAY);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(join(dir, 'pre-restore-third')), 'no pass runs after stop');
});

test.run();
