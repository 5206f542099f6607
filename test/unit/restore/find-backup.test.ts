import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import type { BackupCheck, BackupFile } from '../../../src/agent/agent-api.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { findBackup } from '../../../src/restore/find-backup.ts';
import type { RestoreEffects, StepContext } from '../../../src/restore/step.ts';
import { BACKUP, makeRestore, runningWorld } from './fixtures.ts';

const now = new Date('2024-02-01T00:00:00Z');

// Agents answer per pod IP from a table; a missing entry is a pod whose agent does not answer.
function contextWith(
  filesByIp: Record<string, BackupFile[]>,
  check: (host: string) => BackupCheck = () => ({ name: BACKUP, size: 20, verdict: 'readable', tasks: 4 }),
): StepContext {
  const agents = {
    listBackups: async (at: { host: string }) => {
      const files = filesByIp[at.host];
      if (!files) throw new Error('no answer');
      return files;
    },
    checkBackup: async (at: { host: string }) => check(at.host),
  } as unknown as AgentClient;
  const fx = { agents: async () => agents, now: () => now } as unknown as RestoreEffects;
  return {
    restore: makeRestore(),
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
    pod: 'example-1',
    takenAt: '2024-01-31T23:00:40Z',
    size: 20,
    tasks: 4,
  });
  assert.match(outcome.message ?? '', /(20 bytes, .* old, 4 tasks)/);
  assert.match(outcome.message ?? '', /older copies with the same name on example-0 are ignored/);
});

test('an old backup is found with the seed warning', async () => {
  const ctx = contextWith({ '127.0.9.1': [file('2024-01-31T12:00:00Z')], '127.0.9.2': [], '127.0.9.3': [] });
  const outcome = await findBackup(ctx);
  assert.match(outcome.message ?? '', /WARNING: the backup is 12h0m old/);
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
  const large = contextWith(files, () => ({
    name: BACKUP,
    size: 20,
    verdict: 'unchecked',
    problem: 'the file is 300000000 bytes',
  }));
  const outcome = await findBackup(large);
  assert.match(outcome.message ?? '', /not decoded: the file is 300000000 bytes/);
  assert.is(outcome.status?.source?.tasks, undefined);
});

test.run();
