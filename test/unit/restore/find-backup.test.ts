import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import type { BackupFile } from '../../../src/agent/agent-api.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { findBackup } from '../../../src/restore/find-backup.ts';
import type { RestoreEffects, StepContext } from '../../../src/restore/step.ts';
import { BACKUP, makeRestore, runningWorld } from './fixtures.ts';

const now = new Date('2024-02-01T00:00:00Z');

// Agents answer per pod IP from a table; a missing entry is a pod whose agent does not answer.
function contextWith(filesByIp: Record<string, BackupFile[]>): StepContext {
  const agents = {
    listBackups: async (at: { host: string }) => {
      const files = filesByIp[at.host];
      if (!files) throw new Error('no answer');
      return files;
    },
  } as unknown as AgentClient;
  const fx = { agents: async () => agents, now: () => now } as unknown as RestoreEffects;
  return {
    restore: makeRestore(),
    world: runningWorld(),
    fx,
    saveStatus: async () => undefined,
    faultPoint: async () => undefined,
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
  assert.equal(outcome.status?.source, { pod: 'example-1', takenAt: '2024-01-31T23:00:40Z', size: 20 });
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

test.run();
