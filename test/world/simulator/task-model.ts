// Pure task operations: creating a job's tasks, state transitions and TaskQuery matching.
import { randomUUID } from 'node:crypto';
import {
  ACTIVE_STATES,
  ScheduleStatus,
  type JobConfiguration,
  type JobKey,
  type JobStats,
  type JobSummary,
  type RoleSummary,
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
      // api.thrift gives TaskConfig.container the default {mesos: {}}, so a job that names none stores that
      task: {
        container: { mesos: {} },
        ...job.taskConfig,
        job: key,
        ...(job.owner ? { owner: job.owner } : {}),
      },
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

/** The same task with only its executor configuration's `data` cleared, as getTasksWithoutConfigs returns it. */
export function withoutConfig(task: ScheduledTask): ScheduledTask {
  const config = task.assignedTask.task;
  if (!config?.executorConfig) return task;
  const { data: _dropped, ...executorConfig } = config.executorConfig;
  return { ...task, assignedTask: { ...task.assignedTask, task: { ...config, executorConfig } } };
}

function tasksByJob(tasks: readonly ScheduledTask[]): Map<string, ScheduledTask[]> {
  const byJob = new Map<string, ScheduledTask[]>();
  for (const t of tasks) {
    const job = t.assignedTask.task?.job;
    if (job) byJob.set(jobKeyString(job), [...(byJob.get(jobKeyString(job)) ?? []), t]);
  }
  return byJob;
}

/** getRoleSummary: job keys of all stored tasks, any status, and cron templates, counted per role. */
export function roleSummaries(
  tasks: readonly ScheduledTask[],
  cronJobs: readonly JobConfiguration[] = [],
): RoleSummary[] {
  const jobs = new Map<string, Set<string>>();
  for (const [key, group] of tasksByJob(tasks)) {
    const role = group[0]?.assignedTask.task?.job?.role ?? '';
    jobs.set(role, (jobs.get(role) ?? new Set()).add(key));
  }
  const crons = new Map<string, number>();
  for (const c of cronJobs) crons.set(c.key.role, (crons.get(c.key.role) ?? 0) + 1);
  const roles = new Set([...jobs.keys(), ...crons.keys()]);
  return [...roles].map((role) => ({
    role,
    jobCount: jobs.get(role)?.size ?? 0,
    cronJobCount: crons.get(role) ?? 0,
  }));
}

const STAT_OF: Readonly<Record<number, keyof JobStats>> = {
  [ScheduleStatus.INIT]: 'pendingTaskCount',
  [ScheduleStatus.PENDING]: 'pendingTaskCount',
  [ScheduleStatus.THROTTLED]: 'pendingTaskCount',
  [ScheduleStatus.KILLED]: 'finishedTaskCount',
  [ScheduleStatus.FINISHED]: 'finishedTaskCount',
  [ScheduleStatus.LOST]: 'failedTaskCount',
  [ScheduleStatus.FAILED]: 'failedTaskCount',
};

export function jobStats(tasks: readonly ScheduledTask[]): JobStats {
  const stats = { activeTaskCount: 0, finishedTaskCount: 0, failedTaskCount: 0, pendingTaskCount: 0 };
  for (const t of tasks) stats[STAT_OF[t.status] ?? 'activeTaskCount']++;
  return stats;
}

const lastEventAt = (t: ScheduledTask): number => t.taskEvents?.at(-1)?.timestamp ?? 0;

/** Tasks.getLatestActiveTask: an active task before a terminal one, then the latest event. */
function latestTask(tasks: readonly ScheduledTask[]): ScheduledTask | undefined {
  const rank = (t: ScheduledTask): number => (isActive(t) ? 1 : 0);
  return tasks.reduce<ScheduledTask | undefined>((best, t) => {
    if (!best) return t;
    const byRank = rank(t) - rank(best);
    return byRank > 0 || (byRank === 0 && lastEventAt(t) > lastEventAt(best)) ? t : best;
  }, undefined);
}

/** getJobSummary: one synthesized JobConfiguration per job (config of its latest task, instanceCount = tasks). */
export function jobSummaries(tasks: readonly ScheduledTask[], role: string | undefined): JobSummary[] {
  const scoped = role === undefined ? tasks : tasks.filter((t) => t.assignedTask.task?.job?.role === role);
  const out: JobSummary[] = [];
  for (const group of tasksByJob(scoped).values()) {
    const config = latestTask(group)?.assignedTask.task;
    if (!config?.job) continue;
    const job: JobConfiguration = {
      key: config.job,
      ...(config.owner ? { owner: config.owner } : {}),
      taskConfig: config,
      instanceCount: group.length,
    };
    out.push({ job, stats: jobStats(group) });
  }
  return out;
}
