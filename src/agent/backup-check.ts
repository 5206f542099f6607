// Decodes a backup file where it lies: a restore that would stage or recover an unreadable file must fail before
// any replica's log is moved aside, not after.
import { readFile, stat } from 'node:fs/promises';
import { BinaryReader, readStruct } from '../thrift/binary-protocol.ts';
import { SnapshotSpec } from '../thrift/storage-schema.ts';
import type { BackupCheck } from './agent-api.ts';

/** Larger files are not decoded, to keep the sidecar small; such a restore goes on unchecked, with a warning. */
export const MAX_CHECKED_BACKUP_BYTES = 256 * 1024 * 1024;

/** checkBackupBytes: a Snapshot in TBinaryProtocol (Aurora's backup format), whole, with its timestamp. */
export function checkBackupBytes(name: string, data: Buffer): BackupCheck {
  const base = { name, size: data.length };
  if (data.length === 0) return { ...base, verdict: 'unreadable', problem: 'the file is empty' };
  try {
    const reader = new BinaryReader(data);
    const snapshot = readStruct(reader, SnapshotSpec) as { timestamp?: number; tasks?: unknown[] };
    if (reader.remaining > 0) {
      return {
        ...base,
        verdict: 'unreadable',
        problem: `${reader.remaining} bytes follow the end of the snapshot (not one Thrift Snapshot)`,
      };
    }
    if (snapshot.timestamp === undefined)
      return { ...base, verdict: 'unreadable', problem: 'the snapshot has no timestamp (field 1)' };
    return {
      ...base,
      verdict: 'readable',
      tasks: snapshot.tasks?.length ?? 0,
      timestamp: snapshot.timestamp,
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ...base, verdict: 'unreadable', problem: `not a Thrift Snapshot in TBinaryProtocol: ${why}` };
  }
}

export async function checkBackupFile(name: string, path: string): Promise<BackupCheck> {
  const { size } = await stat(path);
  if (size > MAX_CHECKED_BACKUP_BYTES) {
    return {
      name,
      size,
      verdict: 'unchecked',
      problem: `the file is ${size} bytes, above the ${MAX_CHECKED_BACKUP_BYTES} bytes the agent decodes`,
    };
  }
  return checkBackupBytes(name, await readFile(path));
}
