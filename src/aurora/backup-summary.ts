// What a backup holds, summarized row by row (issue 22): the backup agent builds it where the file lies and the
// operator compares it with the live scheduler. The builders live in snapshot-summaries.ts, free of zod, because
// the agent sidecar must not load zod; they are re-exported here with the wire schemas.
import { z } from 'zod';
import type { CronJobSummaryRow, QuotaSummaryRow, TaskSummaryRow } from './snapshot-summaries.ts';

export {
  digestTaskConfig,
  formatResources,
  jobKeyString,
  summarizeCronJob,
  summarizeQuota,
  summarizeTask,
} from './snapshot-summaries.ts';

export const TaskSummary = z.object({
  /** assignedTask.taskId */
  id: z.string(),
  /** "role/environment/name" */
  job: z.string(),
  /** assignedTask.instanceId */
  instance: z.int().min(0),
  /** ScheduleStatus name, e.g. "RUNNING" */
  status: z.string(),
  /** assignedTask.slaveHost */
  host: z.string().optional(),
  /** digestTaskConfig(assignedTask.task) */
  config: z.string(),
});

// instances and collisionPolicy are absent in summaries of agents older than them: compared only when both have them
export const CronJobSummary = z.object({
  job: z.string(),
  schedule: z.string(),
  config: z.string(),
  instances: z.int().min(0).optional(),
  collisionPolicy: z.int().min(0).optional(),
});

/** resources e.g. "cpus 4, ram 8192 MiB, disk 1024 MiB" */
export const QuotaSummary = z.object({ role: z.string(), resources: z.string() });

export const BackupSummary = z.object({
  name: z.string(),
  size: z.int().min(0),
  /** the snapshot's own field 1 (ms) */
  timestamp: z.number(),
  tasks: z.array(TaskSummary),
  /** storage.thrift Snapshot field 5 (empty when none) */
  cronJobs: z.array(CronJobSummary),
  /** Snapshot field 8 (empty when none) */
  quotas: z.array(QuotaSummary),
});

export type TaskSummary = z.infer<typeof TaskSummary>;
export type CronJobSummary = z.infer<typeof CronJobSummary>;
export type QuotaSummary = z.infer<typeof QuotaSummary>;
export type BackupSummary = z.infer<typeof BackupSummary>;

// The zod-free rows and the wire types must stay one shape: either drifting fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<TaskSummary, TaskSummaryRow>,
  Same<CronJobSummary, CronJobSummaryRow>,
  Same<QuotaSummary, QuotaSummaryRow>,
] = [true, true, true];
void sameShapes;
