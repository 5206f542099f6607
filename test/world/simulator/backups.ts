// Backup files as StorageBackup writes them: TBinary Snapshot, temp_ file then rename, oldest pruned by name.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBinaryStruct, encodeBinaryStruct } from '../../../src/thrift/binary-protocol.ts';
import { SnapshotSpec, type Snapshot } from '../../../src/thrift/storage-schema.ts';
import type { StructValue } from '../../../src/thrift/schema.ts';
import type { StoredState } from './log-store.ts';

export const BACKUP_PREFIX = 'scheduler-backup-';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `scheduler-backup-yyyy-MM-dd-HH-mm` in local time, like SimpleDateFormat in the JVM's zone. */
export function backupName(at: Date): string {
  const d = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${BACKUP_PREFIX}${d}-${pad(at.getHours())}-${pad(at.getMinutes())}`;
}

/** The files to delete so at most `max` backups remain: the lexically smallest (oldest) ones. */
export function backupsToPrune(names: readonly string[], max: number): string[] {
  const backups = names.filter((n) => n.startsWith(BACKUP_PREFIX)).sort();
  const excess = backups.length - Math.max(0, max);
  return excess > 0 ? backups.slice(0, excess) : [];
}

/** Snapshot fields 5 (cronJobs, as StoredCronJob) and 8 (quotaConfigurations) are written only when non-empty. */
export function stateToSnapshot(state: StoredState, now: number): Snapshot {
  const cronJobs = state.cronJobs ?? [];
  const quotas = state.quotas ?? [];
  return {
    timestamp: now,
    tasks: state.tasks,
    ...(cronJobs.length ? { cronJobs: cronJobs.map((jobConfiguration) => ({ jobConfiguration })) } : {}),
    ...(state.frameworkId !== undefined ? { schedulerMetadata: { frameworkId: state.frameworkId } } : {}),
    ...(quotas.length ? { quotaConfigurations: quotas } : {}),
  };
}

export function snapshotToState(snapshot: Snapshot): StoredState {
  const frameworkId = snapshot.schedulerMetadata?.frameworkId;
  const cronJobs = (snapshot.cronJobs ?? []).flatMap((c) => (c.jobConfiguration ? [c.jobConfiguration] : []));
  const quotas = snapshot.quotaConfigurations ?? [];
  return {
    tasks: snapshot.tasks ?? [],
    ...(frameworkId !== undefined ? { frameworkId } : {}),
    ...(cronJobs.length ? { cronJobs } : {}),
    ...(quotas.length ? { quotas } : {}),
  };
}

export function encodeSnapshot(snapshot: Snapshot): Buffer {
  return encodeBinaryStruct(SnapshotSpec, snapshot as unknown as StructValue);
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const s = decodeBinaryStruct(SnapshotSpec, bytes) as unknown as Snapshot;
  return { ...s, tasks: s.tasks ?? [] };
}

export function readBackupFile(path: string): StoredState {
  return snapshotToState(decodeSnapshot(readFileSync(path)));
}

export interface SaveBackupOptions {
  dir: string;
  maxSaved: number;
  now: Date;
  /** Fault injection: make the write fail like an I/O error. */
  fail?: boolean;
}

/** Writes a backup and prunes old ones; returns the name, or throws (the temp file is removed). */
export function saveBackup(state: StoredState, opts: SaveBackupOptions): string {
  mkdirSync(opts.dir, { recursive: true });
  const name = backupName(opts.now);
  const temp = join(opts.dir, `temp_${name}`);
  try {
    if (opts.fail) throw new Error(`${temp} (No space left on device)`);
    writeFileSync(temp, encodeSnapshot(stateToSnapshot(state, opts.now.getTime())));
    renameSync(temp, join(opts.dir, name));
  } finally {
    rmSync(temp, { force: true });
    for (const old of backupsToPrune(readdirSync(opts.dir), opts.maxSaved))
      rmSync(join(opts.dir, old), { force: true });
  }
  return name;
}

/** Every file name in the backup directory, unfiltered, like listBackups. */
export function listBackupFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
