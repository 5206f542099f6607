import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import type { BackupCheck, BackupFile } from '../../../src/agent/agent-api.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { findBackup } from '../../../src/restore/find-backup.ts';
import type { RestoreEffects, StepContext } from '../../../src/restore/step.ts';
import { BACKUP, makeRestore, runningWorld } from './fixtures.ts';

const now = new Date('2024-02-01T00:00:00Z');
/** the snapshot's own timestamp: 1 hour before now, whatever the file times say */
const SNAPSHOT_MS = Date.parse('2024-01-31T23:00:00Z');

const readable = (name = BACKUP, timestamp = SNAPSHOT_MS): BackupCheck => ({
  name,
  size: 20,
  verdict: 'readable',
  tasks: 4,
  timestamp,
});

// Agents answer per pod IP from a table; a missing entry is a pod whose agent does not answer.
function contextWith(
  filesByIp: Record<string, BackupFile[]>,
  check: (host: string, name: string) => BackupCheck = () => readable(),
  spec: Record<string, unknown> = {},
): StepContext {
  const agents = {
    listBackups: async (at: { host: string }) => {
      const files = filesByIp[at.host];
      if (!files) throw new Error('no answer');
      return files;
    },
    checkBackup: async (at: { host: string }, name: string) => check(at.host, name),
  } as unknown as AgentClient;
  const fx = { agents: async () => agents, now: () => now } as unknown as RestoreEffects;
  return {
    restore: makeRestore(spec),
    world: runningWorld(),
    fx,
    saveStatus: async () => undefined,
  };
}

const file = (mtime: string, size = 10): BackupFile => ({ name: BACKUP, size, mtime });

test('with copies of one backup id on several replicas, the newest write is chosen and the others named', async () => {
  const ctx = contextWith({
    '127.0.9.1': [file('2024-01-31T23:00:05Z', 10)],
    '127.0.9.2': [file('2024-01-31T23:00:40Z', 20)],
    '127.0.9.3': [],
  });
  const outcome = await findBackup(ctx);
  assert.equal(outcome.status?.source, {
    name: BACKUP,
    pod: 'example-1',
    takenAt: '2024-01-31T23:00:40Z',
    snapshotAt: '2024-01-31T23:00:00.000Z',
    size: 20,
    tasks: 4,
  });
  assert.match(outcome.message ?? '', /\(20 bytes, snapshot 1h0m old, 4 tasks\)/);
  assert.match(outcome.message ?? '', /older copies with the same name on example-0 are ignored/);
});

test('a backup found nowhere fails terminally; a silent replica makes it retry instead', async () => {
  const everyone = contextWith({ '127.0.9.1': [], '127.0.9.2': [], '127.0.9.3': [] });
  try {
    await findBackup(everyone);
    assert.unreachable('should fail');
  } catch (err) {
    assert.instance(err, TerminalError);
    assert.match((err as Error).message, /exists on no replica.*The cluster was not touched/);
  }
  const silent = contextWith({ '127.0.9.1': [], '127.0.9.2': [] });
  try {
    await findBackup(silent);
    assert.unreachable('should retry');
  } catch (err) {
    assert.not.instance(err, TerminalError);
    assert.match((err as Error).message, /no answer from: example-2/);
  }
});

test('a named backup waits for a silent replica, which may hold a newer write of the same minute-name', async () => {
  // example-0 answers with an older copy; example-2 holds the newer write of the same name but does not answer yet
  const older = { '127.0.9.1': [file('2024-01-31T23:00:05Z', 10)], '127.0.9.2': [] };
  const err = await findBackup(contextWith(older)).then(
    () => assert.unreachable('the older copy must not be chosen while a replica is silent'),
    (e: unknown) => e,
  );
  assert.not.instance(err, TerminalError);
  assert.match(
    (err as Error).message,
    /backup .* not chosen on the replicas that answered; no answer from: example-2/,
  );
  const answered = { ...older, '127.0.9.3': [file('2024-01-31T23:00:50Z', 30)] };
  const outcome = await findBackup(contextWith(answered));
  assert.is(
    outcome.status?.source?.pod,
    'example-2',
    'the newest write of the name, once its replica answers',
  );
  assert.is(outcome.status?.source?.size, 30);
});

test('the chosen copy is decoded where it lies: unreadable fails terminally, too large goes on unchecked', async () => {
  const files = { '127.0.9.1': [], '127.0.9.2': [file('2024-01-31T23:00:40Z', 20)], '127.0.9.3': [] };
  const asked: string[] = [];
  const broken = contextWith(files, (host) => {
    asked.push(host);
    return { name: BACKUP, size: 20, verdict: 'unreadable', problem: 'unexpected end of data' };
  });
  try {
    await findBackup(broken);
    assert.unreachable('an unreadable backup must fail the restore');
  } catch (err) {
    assert.instance(err, TerminalError);
    assert.is((err as TerminalError).reason, 'BackupUnreadable');
    assert.match(
      (err as Error).message,
      /on example-1 is not a backup Aurora can load: unexpected end of data/,
    );
    assert.match((err as Error).message, /The cluster was not touched/);
  }
  assert.equal(asked, ['127.0.9.2'], 'only the agent beside the chosen copy decodes it');
  const unchecked = (): BackupCheck => ({
    name: BACKUP,
    size: 20,
    verdict: 'unchecked',
    problem: 'the file is 300000000 bytes',
  });
  // a file too large to decode has no proven age: refused, unless the age is accepted
  const refused = await findBackup(contextWith(files, unchecked)).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(refused, TerminalError);
  assert.is((refused as TerminalError).reason, 'BackupTooOld');
  assert.match((refused as Error).message, /age of backup .* is unknown/);
  const outcome = await findBackup(contextWith(files, unchecked, { acceptBackupAge: true }));
  assert.match(outcome.message ?? '', /not decoded: the file is 300000000 bytes/);
  assert.match(outcome.message ?? '', /WARNING: age unknown, accepted by spec.acceptBackupAge/);
  assert.is(outcome.status?.source?.tasks, undefined);
});

const named = (name: string, mtime: string, size = 10): BackupFile => ({ name, size, mtime });
const failureOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => assert.unreachable('should fail'),
    (err: unknown) => err,
  );

test('the age comes from the snapshot timestamp, not the file time: a fresh file of an old snapshot is refused', async () => {
  const files = { '127.0.9.1': [file('2024-01-31T23:59:00Z')], '127.0.9.2': [], '127.0.9.3': [] };
  const oldSnapshot = Date.parse('2024-01-31T12:00:00Z');
  const err = await failureOf(findBackup(contextWith(files, () => readable(BACKUP, oldSnapshot))));
  assert.instance(err, TerminalError);
  assert.is((err as TerminalError).reason, 'BackupTooOld');
  assert.match((err as Error).message, /is 12h0m old .*older than spec.maxBackupAge 6hrs/);
  assert.match((err as Error).message, /spec.acceptBackupAge: true or a larger spec.maxBackupAge/);
  // the file is old, the snapshot young: accepted
  const youngSnapshot = contextWith({
    '127.0.9.1': [file('2023-01-01T00:00:00Z')],
    '127.0.9.2': [],
    '127.0.9.3': [],
  });
  assert.match((await findBackup(youngSnapshot)).message ?? '', /snapshot 1h0m old/);
});

test('acceptBackupAge or a larger maxBackupAge lets an old backup through, with a warning when accepted', async () => {
  const files = { '127.0.9.1': [file('2024-01-31T12:00:00Z')], '127.0.9.2': [], '127.0.9.3': [] };
  const old = () => readable(BACKUP, Date.parse('2024-01-31T12:00:00Z'));
  const accepted = await findBackup(contextWith(files, old, { acceptBackupAge: true }));
  assert.is(accepted.status?.source?.name, BACKUP);
  assert.match(accepted.message ?? '', /WARNING: older than maxBackupAge 6hrs, accepted by acceptBackupAge/);
  assert.equal(
    accepted.events?.map((e) => e.reason),
    ['OldBackup'],
  );
  const larger = await findBackup(contextWith(files, old, { maxBackupAge: '1days' }));
  assert.is(larger.status?.source?.snapshotAt, '2024-01-31T12:00:00.000Z');
  assert.equal(larger.events, []);
  const smaller = await failureOf(
    findBackup(contextWith(files, () => readable(), { maxBackupAge: '30mins' })),
  );
  assert.is((smaller as TerminalError).reason, 'BackupTooOld');
});

const B1 = 'scheduler-backup-2024-01-31-22-00';
const B2 = 'scheduler-backup-2024-01-31-23-00';
const B3 = 'scheduler-backup-2024-01-31-23-30';

test('latest picks the newest snapshot across replicas that decodes, and records its name', async () => {
  const files = {
    '127.0.9.1': [named(B1, '2024-01-31T22:00:00Z'), named(B3, '2024-01-31T23:30:00Z')],
    '127.0.9.2': [named(B2, '2024-01-31T23:00:00Z', 30)],
    '127.0.9.3': [],
  };
  const stamps: Record<string, number> = {
    [B1]: Date.parse('2024-01-31T22:00:00Z'),
    [B2]: Date.parse('2024-01-31T23:00:00Z'),
  };
  // B3 is the newest file but does not decode: passed over, and named in the message
  const check = (_host: string, name: string): BackupCheck =>
    name === B3
      ? { name, size: 10, verdict: 'unreadable', problem: 'truncated' }
      : readable(name, stamps[name]);
  const outcome = await findBackup(contextWith(files, check, { backupId: 'latest' }));
  assert.is(outcome.status?.source?.name, B2);
  assert.is(outcome.status?.source?.pod, 'example-1');
  assert.match(outcome.message ?? '', new RegExp(`^latest is ${B2} on example-1`));
  assert.match(outcome.message ?? '', new RegExp(`passed over: ${B3} unreadable \\(truncated\\)`));
});

test('latest orders by the snapshot timestamp, not the file time', async () => {
  // B1's file was copied later (newer mtime) but its snapshot is older than B2's
  const files = {
    '127.0.9.1': [named(B1, '2024-01-31T23:50:00Z')],
    '127.0.9.2': [named(B2, '2024-01-31T23:00:00Z')],
    '127.0.9.3': [],
  };
  const stamps: Record<string, number> = {
    [B1]: Date.parse('2024-01-31T22:00:00Z'),
    [B2]: Date.parse('2024-01-31T23:00:00Z'),
  };
  const outcome = await findBackup(
    contextWith(files, (_h, name) => readable(name, stamps[name]), { backupId: 'latest' }),
  );
  assert.is(outcome.status?.source?.name, B2);
});

test('latest fails with BackupTooOld when even the newest snapshot is too old; a silent replica makes it wait', async () => {
  const files = { '127.0.9.1': [named(B1, '2024-01-31T22:00:00Z')], '127.0.9.2': [], '127.0.9.3': [] };
  const err = await failureOf(
    findBackup(
      contextWith(files, (_h, name) => readable(name, Date.parse('2024-01-30T00:00:00Z')), {
        backupId: 'latest',
      }),
    ),
  );
  assert.is((err as TerminalError).reason, 'BackupTooOld');
  assert.match((err as Error).message, /^latest: backup scheduler-backup-2024-01-31-22-00 is 2d0h old/);
  const silent = await failureOf(
    findBackup(
      contextWith({ '127.0.9.1': [named(B3, '2024-01-31T23:30:00Z')], '127.0.9.2': [] }, () => readable(), {
        backupId: 'latest',
      }),
    ),
  );
  assert.not.instance(silent, TerminalError);
  assert.match((silent as Error).message, /latest not chosen .*no answer from: example-2/);
});

test.run();
