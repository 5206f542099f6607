// Pure task operations: creating a job's tasks, state transitions and TaskQuery matching.
import { randomUUID } from 'node:crypto';
import {
  ACTIVE_STATES,
  ScheduleStatus,
  type JobConfiguration,
  type JobKey,
  type ScheduledTask,
  type TaskQuery,
} from '../../../src/thrift/api-types.ts';

export const jobKeyString = (k: JobKey): string => `${k.role}/${k.environment}/${k.name}`;

export function isActive(task: ScheduledTask): boolean {
  return ACTIVE_STATES.includes(task.status);
}

export function newJobTasks(job: JobConfiguration, now: number, scheduler: string): ScheduledTask[] {
  const { key } = job;
  return Array.from({ length: job.instanceCount }, (_, instanceId) => ({
    assignedTask: {
      taskId: `${key.role}-${key.environment}-${key.name}-${instanceId}-${randomUUID()}`,
      instanceId,
      task: { ...job.taskConfig, job: key, ...(job.owner ? { owner: job.owner } : {}) },
      assignedPorts: {},
    },
    status: ScheduleStatus.PENDING,
    failureCount: 0,
    timesPartitioned: 0,
    taskEvents: [{ timestamp: now, status: ScheduleStatus.PENDING, scheduler }],
  }));
}

export function transition(
  task: ScheduledTask,
  status: ScheduleStatus,
  now: number,
  scheduler: string,
  message?: string,
): ScheduledTask {
  const event = { timestamp: now, status, scheduler, ...(message !== undefined ? { message } : {}) };
  const failed = status === ScheduleStatus.FAILED ? 1 : 0;
  return {
    ...task,
    status,
    failureCount: (task.failureCount ?? 0) + failed,
    taskEvents: [...(task.taskEvents ?? []), event],
  };
}

const has = <T>(set: readonly T[] | undefined, v: T): boolean => set === undefined || set.includes(v);

export function matchesQuery(task: ScheduledTask, q: TaskQuery): boolean {
  const a = task.assignedTask;
  const job = a.task?.job;
  if (q.role !== undefined && job?.role !== q.role) return false;
  if (q.environment !== undefined && job?.environment !== q.environment) return false;
  if (q.jobName !== undefined && job?.name !== q.jobName) return false;
  if (!has(q.taskIds, a.taskId) || !has(q.statuses, task.status) || !has(q.instanceIds, a.instanceId))
    return false;
  if (q.slaveHosts !== undefined && !q.slaveHosts.includes(a.slaveHost ?? '')) return false;
  if (q.jobKeys !== undefined && !(job && q.jobKeys.some((k) => jobKeyString(k) === jobKeyString(job))))
    return false;
  return true;
}

export function queryTasks(tasks: readonly ScheduledTask[], q: TaskQuery): ScheduledTask[] {
  const matched = tasks.filter((t) => matchesQuery(t, q));
  const offset = q.offset ?? 0;
  return matched.slice(offset, q.limit !== undefined && q.limit > 0 ? offset + q.limit : undefined);
}

/** The same task without its executor configuration, as getTasksWithoutConfigs returns it. */
export function withoutConfig(task: ScheduledTask): ScheduledTask {
  const config = task.assignedTask.task;
  if (!config?.executorConfig) return task;
  const { executorConfig: _dropped, ...rest } = config;
  return { ...task, assignedTask: { ...task.assignedTask, task: rest } };
}
