// On-disk replica of the simulated replicated log: one metadata+state file and an exclusive pid lock.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { JobConfiguration, ScheduledTask } from '../../../src/thrift/api-types.ts';
import type { QuotaConfiguration } from '../../../src/thrift/storage-schema.ts';

export type ReplicaStatus = 'EMPTY' | 'VOTING';

/** The scheduler's durable state: what a snapshot in the real log holds. */
export interface StoredState {
  tasks: ScheduledTask[];
  frameworkId?: string;
  /** Cron job templates (scheduleCronJob), as the CronJobStore keeps them; absent = none. */
  cronJobs?: JobConfiguration[];
  /** Role quotas (setQuota), as the QuotaStore keeps them; absent = none. */
  quotas?: QuotaConfiguration[];
}

export interface ReplicaRecord {
  status: ReplicaStatus;
  /** Number of writes applied; 0 on a freshly initialized log. */
  position: number;
  state: StoredState | null;
  /**
   * Highest proposal number this replica promised to a writer (Mesos keeps it in the replica's metadata). Writes
   * and promises with a lower number are rejected, which is how a newer writer supersedes an older one.
   */
  promised?: number;
}

const FILE = 'replica.json';
const LOCK = 'LOCK';

export const emptyRecord = (): ReplicaRecord => ({ status: 'EMPTY', position: 0, state: null });

/** A missing directory, or one without our file, is a replica in EMPTY status (as with LevelDB). */
export function readReplica(dir: string): ReplicaRecord {
  const file = join(dir, FILE);
  if (!existsSync(file)) return emptyRecord();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as ReplicaRecord;
  return {
    status: parsed.status,
    position: parsed.position,
    state: parsed.state,
    promised: parsed.promised ?? 0,
  };
}

export function writeReplica(dir: string, record: ReplicaRecord): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, join(dir, FILE));
}

/** A log holds data once anything was written after initialization. */
export function hasData(record: ReplicaRecord): boolean {
  return record.position > 0 || (record.state !== null && record.state.tasks.length > 0);
}

export class LogLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`IO error: lock ${join(dir, LOCK)}: already held by process ${pid}`);
    this.name = 'LogLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's exclusive lock (stale locks of dead processes are taken over); returns a release function. */
export function acquireLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) throw new LogLockedError(dir, pid);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}
