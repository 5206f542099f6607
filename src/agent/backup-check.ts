// Decodes a backup file where it lies, as a stream: a restore that would stage or recover an unreadable file must
// fail before any replica's log is moved aside, not after, and a file of any size is decoded in bounded memory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  readSnapshotStream,
  SnapshotFormatError,
  type SnapshotStreamResult,
  type SnapshotVisitor,
} from '../thrift/snapshot-stream.ts';
import { createHashingStream, type Digest } from '../objectstore/hashing-stream.ts';
import type { BackupCheck } from './agent-api.ts';

/** Reads of 64 KiB: few enough calls for a multi-GiB file, little enough memory for the sidecar. */
export const BACKUP_READ_CHUNK_BYTES = 64 * 1024;

export interface BackupScanOptions {
  /** size of each read from the file (the stream's highWaterMark) */
  chunkBytes?: number;
}

/** A streamed backup: its Snapshot when it is one Aurora can load, else why not. */
export type BackupScan =
  | { size: number; snapshot: SnapshotStreamResult & { timestamp: number } }
  | { size: number; problem: string };

/**
 * scanBackupChunks decodes one Snapshot in TBinaryProtocol (Aurora's backup format), whole, with a timestamp;
 * `open` is called only when there is something to read, so an empty file is never opened.
 */
export async function scanBackupChunks(
  size: number,
  open: () => AsyncIterable<Uint8Array>,
  visitor: SnapshotVisitor = {},
): Promise<BackupScan> {
  if (size === 0) return { size, problem: 'the file is empty' };
  try {
    const snapshot = await readSnapshotStream(open(), visitor);
    const { timestamp, trailing } = snapshot;
    if (trailing > 0) {
      return { size, problem: `${trailing} bytes follow the end of the snapshot (not one Thrift Snapshot)` };
    }
    if (timestamp === undefined) return { size, problem: 'the snapshot has no timestamp (field 1)' };
    return { size, snapshot: { ...snapshot, timestamp } };
  } catch (err) {
    if (!(err instanceof SnapshotFormatError)) throw err;
    return { size, problem: `not a Thrift Snapshot in TBinaryProtocol: ${err.message}` };
  }
}

export async function scanBackupFile(
  path: string,
  visitor: SnapshotVisitor = {},
  opts: BackupScanOptions = {},
): Promise<BackupScan> {
  const { size } = await stat(path);
  const highWaterMark = opts.chunkBytes ?? BACKUP_READ_CHUNK_BYTES;
  return scanBackupChunks(size, () => createReadStream(path, { highWaterMark }), visitor);
}

/**
 * scanAndHashBackupFile: one read of the file gives both its decode and its SHA-256 (which an upload must send
 * up front); the digest is left out when the decode stopped before the file's end.
 */
export async function scanAndHashBackupFile(path: string): Promise<BackupScan & { digest?: Digest }> {
  const { size } = await stat(path);
  const hashing = createHashingStream();
  const scan = await scanBackupChunks(size, () => {
    const file = createReadStream(path, { highWaterMark: BACKUP_READ_CHUNK_BYTES });
    file.on('error', (err) => hashing.destroy(err));
    return file.pipe(hashing);
  });
  const digest = hashing.digest();
  return 'snapshot' in scan && digest.size === size ? { ...scan, digest } : scan;
}

/** checkBackupFile never answers 'unchecked' any more: the streaming decode has no size limit. */
export async function checkBackupFile(
  name: string,
  path: string,
  opts?: BackupScanOptions,
): Promise<BackupCheck> {
  const scan = await scanBackupFile(path, {}, opts);
  if ('problem' in scan) return { name, size: scan.size, verdict: 'unreadable', problem: scan.problem };
  const { tasks, timestamp } = scan.snapshot;
  return { name, size: scan.size, verdict: 'readable', tasks, timestamp };
}
