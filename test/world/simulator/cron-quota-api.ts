// Cron job templates and role quotas over the simulator's storage: scheduleCronJob, descheduleCronJob, getJobs,
// setQuota and getQuota as Aurora 0.22's SchedulerThriftInterface and ReadOnlySchedulerImpl answer them. Cron
// templates are stored, never triggered; quotas are stored, never enforced.
import {
  ResponseCode,
  type JobConfiguration,
  type JobKey,
  type Resource,
  type ResourceAggregate,
} from '../../../src/thrift/api-types.ts';
import { ApiError } from './api-error.ts';
import type { StoredState } from './log-store.ts';
import { isActive, jobKeyString, jobSummaries } from './task-model.ts';

type Mutate = (change: (state: StoredState) => StoredState) => Promise<void>;

/** ResourceBag.EMPTY as aggregateFromBag writes it: what getQuota answers for a role without a quota. */
const NO_QUOTA: Resource[] = [{ numCpus: 0 }, { ramMb: 0 }, { diskMb: 0 }];

export const hasActiveTasks = (s: StoredState, key: JobKey): boolean =>
  s.tasks.some(
    (t) =>
      isActive(t) && t.assignedTask.task?.job && jobKeyString(t.assignedTask.task.job) === jobKeyString(key),
  );

export const cronJobOf = (s: StoredState, key: JobKey): JobConfiguration | undefined =>
  s.cronJobs?.find((c) => jobKeyString(c.key) === jobKeyString(key));

/** validJob: what SanitizedConfiguration refuses before any storage is read. */
export function validJob(job: JobConfiguration | undefined): JobConfiguration {
  const key = job?.key;
  if (!job || !key?.role || !key.environment || !key.name) {
    throw new ApiError(ResponseCode.INVALID_REQUEST, 'Job key (role, environment, name) is required.');
  }
  if (!job.taskConfig) throw new ApiError(ResponseCode.INVALID_REQUEST, 'Task configuration is required.');
  if (!(job.instanceCount > 0))
    throw new ApiError(ResponseCode.INVALID_REQUEST, 'Instance count must be positive.');
  return job;
}

/** scheduleCronJob: creates the template, or replaces it when the job is already a cron job. */
export async function scheduleCronJob(
  state: () => StoredState,
  mutate: Mutate,
  description: JobConfiguration | undefined,
): Promise<void> {
  const job = validJob(description);
  const name = jobKeyString(job.key);
  if (!job.cronSchedule?.trim())
    throw new ApiError(ResponseCode.INVALID_REQUEST, `Job ${name} has no cron schedule`);
  if (!cronJobOf(state(), job.key) && hasActiveTasks(state(), job.key)) {
    throw new ApiError(ResponseCode.INVALID_REQUEST, `Job ${name} already exists`);
  }
  // the sanitized template carries its key and the IDL's container default in the task config, like createJob's tasks
  const template: JobConfiguration = {
    ...job,
    taskConfig: {
      container: { mesos: {} },
      ...job.taskConfig,
      job: job.key,
      ...(job.owner ? { owner: job.owner } : {}),
    },
  };
  await mutate((s) => ({
    ...s,
    cronJobs: [...(s.cronJobs ?? []).filter((c) => jobKeyString(c.key) !== name), template],
  }));
}

/** descheduleCronJob: OK either way; a job that was not a cron job gets a message. */
export async function descheduleCronJob(
  state: () => StoredState,
  mutate: Mutate,
  key: JobKey | undefined,
): Promise<{ message?: string }> {
  if (!key) throw new ApiError(ResponseCode.INVALID_REQUEST, 'A job key is required.');
  if (!cronJobOf(state(), key)) return { message: `Job ${jobKeyString(key)} is not scheduled with cron` };
  await mutate((s) => ({
    ...s,
    cronJobs: (s.cronJobs ?? []).filter((c) => jobKeyString(c.key) !== jobKeyString(key)),
  }));
  return {};
}

/** getJobs: one JobConfiguration per job with active tasks, then the cron templates, which replace them. */
export function getJobs(s: StoredState, role: string | undefined): JobConfiguration[] {
  const synthesized = jobSummaries(s.tasks.filter(isActive), role).map((j) => j.job);
  const crons = (s.cronJobs ?? []).filter((c) => role === undefined || c.key.role === role);
  const byKey = new Map([...synthesized, ...crons].map((j) => [jobKeyString(j.key), j]));
  return [...byKey.values()];
}

/** setQuota overwrites the role's quota (the check against prod consumption is not simulated). */
export async function setQuota(
  mutate: Mutate,
  role: unknown,
  quota: ResourceAggregate | undefined,
): Promise<void> {
  if (typeof role !== 'string' || !role.trim())
    throw new ApiError(ResponseCode.ERROR, 'ownerRole must not be blank');
  if (!quota) throw new ApiError(ResponseCode.ERROR, 'quota must not be null');
  const entry = { role, quota: { resources: quota.resources ?? [] } };
  await mutate((s) => ({ ...s, quotas: [...(s.quotas ?? []).filter((q) => q.role !== role), entry] }));
}

/** getQuota: the stored quota, or zero cpus, ram and disk; the consumption fields are left out. */
export function getQuota(s: StoredState, role: unknown): ResourceAggregate {
  if (typeof role !== 'string' || !role.trim())
    throw new ApiError(ResponseCode.ERROR, 'ownerRole must not be blank');
  return { resources: s.quotas?.find((q) => q.role === role)?.quota?.resources ?? NO_QUOTA };
}
