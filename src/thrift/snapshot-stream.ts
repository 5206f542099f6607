// Reads a backup file (storage.thrift Snapshot in TBinaryProtocol) as a stream: tasks, cron jobs and quotas are
// handed over one at a time and dropped, so memory follows what the caller keeps of them, not the file's size.
import type { ScheduledTask } from './api-types.ts';
import {
  SnapshotSpec,
  type QuotaConfiguration,
  type Snapshot,
  type StoredCronJob,
} from './storage-schema.ts';
import { StreamingReader, type StreamingReaderOptions } from './streaming-reader.ts';
import { streamStruct } from './struct-stream.ts';

export interface SnapshotVisitor {
  task?(task: ScheduledTask): void;
  cronJob?(job: StoredCronJob): void;
  quota?(quota: QuotaConfiguration): void;
}

/** What a streamed snapshot held besides the elements handed to the visitor. */
export interface SnapshotStreamResult {
  timestamp?: number;
  schedulerMetadata?: Snapshot['schedulerMetadata'];
  tasks: number;
  cronJobs: number;
  quotas: number;
  /** bytes after the snapshot's end, which make the file something other than one Snapshot */
  trailing: number;
}

/** The data is not a Snapshot; `offset` is where the value that failed begins. */
export class SnapshotFormatError extends Error {
  readonly offset: number;
  constructor(offset: number, why: string) {
    super(`at byte ${offset}: ${why}`);
    this.offset = offset;
    this.name = 'SnapshotFormatError';
  }
}

/**
 * readSnapshotStream decodes one Snapshot from chunks; it throws SnapshotFormatError for data that is not one and
 * passes the source's own errors (I/O) through. The source is closed when it returns or throws.
 */
export async function readSnapshotStream(
  chunks: AsyncIterable<Uint8Array>,
  visitor: SnapshotVisitor = {},
  opts?: StreamingReaderOptions,
): Promise<SnapshotStreamResult> {
  const reader = StreamingReader.from(chunks, opts);
  const out: SnapshotStreamResult = { tasks: 0, cronJobs: 0, quotas: 0, trailing: 0 };
  const top: Partial<Snapshot> = {};
  try {
    await streamStruct(reader, SnapshotSpec, {
      field: (field, value) => Object.assign(top, { [field.name]: value }),
      element: (field, value) => {
        if (field.name === 'tasks') {
          out.tasks++;
          visitor.task?.(value as ScheduledTask);
        } else if (field.name === 'cronJobs') {
          out.cronJobs++;
          visitor.cronJob?.(value as StoredCronJob);
        } else if (field.name === 'quotaConfigurations') {
          out.quotas++;
          visitor.quota?.(value as QuotaConfiguration);
        }
      },
    });
    out.trailing = await reader.drain();
  } catch (err) {
    if (reader.sourceFailed) throw err;
    throw new SnapshotFormatError(reader.offset, err instanceof Error ? err.message : String(err));
  } finally {
    await reader.close();
  }
  if (top.timestamp !== undefined) out.timestamp = top.timestamp;
  if (top.schedulerMetadata !== undefined) out.schedulerMetadata = top.schedulerMetadata;
  return out;
}
