// storage.thrift Snapshot (the backup file format, TBinaryProtocol) reduced to the fields we keep.
import { JobConfigurationSpec, ResourceAggregateSpec, ScheduledTaskSpec } from './api-schema.ts';
import { map, set, struct } from './schema.ts';
import type { JobConfiguration, ResourceAggregate, ScheduledTask } from './api-types.ts';

export const SchedulerMetadataSpec = struct('SchedulerMetadata', [
  [1, 'frameworkId', 'string'],
  [8, 'details', map('string', 'string')],
]);

export const StoredCronJobSpec = struct('StoredCronJob', [[3, 'jobConfiguration', JobConfigurationSpec]]);

export const QuotaConfigurationSpec = struct('QuotaConfiguration', [
  [1, 'role', 'string'],
  [2, 'quota', ResourceAggregateSpec],
]);

/** Fields 3, 10 and 13 (host attributes, job updates, maintenance requests) are skipped when read. */
export const SnapshotSpec = struct('Snapshot', [
  [1, 'timestamp', 'i64'],
  [4, 'tasks', set(ScheduledTaskSpec)],
  [5, 'cronJobs', set(StoredCronJobSpec)],
  [6, 'schedulerMetadata', SchedulerMetadataSpec],
  [8, 'quotaConfigurations', set(QuotaConfigurationSpec)],
]);

export interface StoredCronJob {
  jobConfiguration?: JobConfiguration;
}

export interface QuotaConfiguration {
  role?: string;
  quota?: ResourceAggregate;
}

export interface Snapshot {
  timestamp: number;
  tasks: ScheduledTask[];
  cronJobs?: StoredCronJob[];
  schedulerMetadata?: { frameworkId?: string; details?: Record<string, string> };
  quotaConfigurations?: QuotaConfiguration[];
}
