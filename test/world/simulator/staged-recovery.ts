// The in-memory staged backup of the online recovery RPCs (Recovery.java's TemporaryStorage).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduledTask, TaskQuery } from '../../../src/thrift/api-types.ts';
import { readBackupFile } from './backups.ts';
import type { StoredState } from './log-store.ts';
import { matchesQuery, queryTasks } from './task-model.ts';

export class RecoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryError';
  }
}

export interface StagedRecovery {
  stage(backupId: string): void;
  query(q: TaskQuery): ScheduledTask[];
  deleteTasks(q: TaskQuery): void;
  /** Hands out the staged state for writing into the log and forgets it. */
  take(): StoredState;
  unload(): void;
}

export function createStagedRecovery(backupDir: string): StagedRecovery {
  let staged: StoredState | undefined;
  const need = (): StoredState => {
    if (!staged) throw new RecoveryError('No backup loaded.');
    return staged;
  };
  return {
    stage(backupId) {
      if (staged) throw new RecoveryError('Another backup is already loaded.');
      const path = join(backupDir, backupId);
      if (backupId.includes('/') || !existsSync(path))
        throw new RecoveryError(`Backup ${backupId} does not exist.`);
      try {
        staged = readBackupFile(path);
      } catch (err) {
        throw new RecoveryError(`Failed to load backup ${backupId}: ${(err as Error).message}`);
      }
    },
    query: (q) => queryTasks(need().tasks, q),
    deleteTasks(q) {
      const s = need();
      staged = { ...s, tasks: s.tasks.filter((t) => !matchesQuery(t, q)) };
    },
    take() {
      const s = need();
      staged = undefined;
      return s;
    },
    unload() {
      staged = undefined;
    },
  };
}
