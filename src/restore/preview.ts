// The preview of a staged backup: what the scheduler would hold after commit, counted by role, job and status.
import type { AuroraRestoreStatus } from '../api/aurora-restore.ts';
import { scheduleStatusName, type ScheduledTask } from '../thrift/api-types.ts';
import { formatAgeMs } from '../api/age.ts';

export type RestorePreview = NonNullable<AuroraRestoreStatus['preview']>;

function jobKeyOf(t: ScheduledTask): string {
  const job = t.assignedTask.task?.job;
  return job ? `${job.role}/${job.environment}/${job.name}` : '(unknown)';
}

function count(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export function computePreview(
  tasks: readonly ScheduledTask[],
  takenAt: string | undefined,
  now: Date,
): RestorePreview {
  return {
    ...(takenAt ? { backupAge: formatAgeMs(now.getTime() - new Date(takenAt).getTime()) } : {}),
    taskCount: tasks.length,
    byRole: count(tasks.map((t) => t.assignedTask.task?.job?.role ?? '(unknown)')),
    byJob: count(tasks.map(jobKeyOf)),
    byStatus: count(tasks.map((t) => scheduleStatusName(t.status))),
  };
}

export function taskJobKey(t: ScheduledTask): string {
  return jobKeyOf(t);
}
