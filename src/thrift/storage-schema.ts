// storage.thrift Snapshot (the backup file format, TBinaryProtocol) reduced to the fields we keep.
import { ScheduledTaskSpec } from './api-schema.ts';
import { map, set, struct } from './schema.ts';
import type { ScheduledTask } from './api-types.ts';

export const SchedulerMetadataSpec = struct('SchedulerMetadata', [
  [1, 'frameworkId', 'string'],
  [8, 'details', map('string', 'string')],
]);

/** Fields 3, 5, 8 and 10 (host attributes, cron jobs, quotas, job updates) are skipped when read. */
export const SnapshotSpec = struct('Snapshot', [
  [1, 'timestamp', 'i64'],
  [4, 'tasks', set(ScheduledTaskSpec)],
  [6, 'schedulerMetadata', SchedulerMetadataSpec],
]);

export interface Snapshot {
  timestamp: number;
  tasks: ScheduledTask[];
  schedulerMetadata?: { frameworkId?: string; details?: Record<string, string> };
}
