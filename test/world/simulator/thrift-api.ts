// AuroraAdmin method implementations over the simulator's storage, returning Thrift Responses.
import {
  ACTIVE_STATES,
  ResponseCode,
  ScheduleStatus,
  type JobConfiguration,
  type JobKey,
  type ResourceAggregate,
  type Response,
  type Result,
  type TaskQuery,
} from '../../../src/thrift/api-types.ts';
import { ApiError } from './api-error.ts';
import {
  cronJobOf,
  descheduleCronJob,
  getJobs,
  getQuota,
  hasActiveTasks,
  scheduleCronJob,
  setQuota,
  validJob,
} from './cron-quota-api.ts';
import type { StoredState } from './log-store.ts';
import { RecoveryError, type StagedRecovery } from './staged-recovery.ts';
import {
  jobKeyString,
  jobSummaries,
  matchesQuery,
  newJobTasks,
  queryTasks,
  roleSummaries,
  transition,
  withoutConfig,
} from './task-model.ts';

export interface ApiContext {
  clusterName: string;
  schedulerHost: string;
  storageReady(): boolean;
  state(): StoredState;
  /** Applies a change and replicates it to a quorum before resolving. */
  mutate(change: (state: StoredState) => StoredState): Promise<void>;
  backupNow(): void;
  snapshot(): Promise<void>;
  listBackups(): string[];
  recovery: StagedRecovery;
  /** Writes the staged state into the log, then shuts the scheduler down. */
  commitRecovery(state: StoredState): Promise<void>;
}

const STORAGE_METHODS = new Set([
  'performBackup',
  'snapshot',
  'createJob',
  'killTasks',
  'getTasksWithoutConfigs',
  'getTasksStatus',
  'getRoleSummary',
  'getJobSummary',
  'getJobs',
  'getQuota',
  'scheduleCronJob',
  'descheduleCronJob',
  'setQuota',
  'commitRecovery',
]);

export const KNOWN_METHODS = new Set([
  ...STORAGE_METHODS,
  'listBackups',
  'stageRecovery',
  'queryRecovery',
  'deleteRecoveryTasks',
  'unloadRecovery',
]);

export async function dispatch(
  ctx: ApiContext,
  method: string,
  args: Record<string, unknown>,
): Promise<Response> {
  const serverInfo = { clusterName: ctx.clusterName, statsUrlPrefix: '' };
  try {
    if (STORAGE_METHODS.has(method) && !ctx.storageReady()) {
      throw new ApiError(ResponseCode.ERROR_TRANSIENT, 'Storage is not READY');
    }
    const { result, message } = await run(ctx, method, args);
    return {
      responseCode: ResponseCode.OK,
      serverInfo,
      ...(result ? { result } : {}),
      details: message ? [{ message }] : [],
    };
  } catch (err) {
    const code = err instanceof ApiError ? err.code : ResponseCode.ERROR;
    const message = err instanceof RecoveryError || err instanceof ApiError ? err.message : String(err);
    return { responseCode: code, serverInfo, details: [{ message }] };
  }
}

async function run(
  ctx: ApiContext,
  method: string,
  args: Record<string, unknown>,
): Promise<{ result?: Result; message?: string }> {
  const query = (args['query'] ?? {}) as TaskQuery;
  switch (method) {
    case 'performBackup':
      ctx.backupNow();
      return {};
    case 'listBackups':
      return { result: { listBackupsResult: { backups: ctx.listBackups() } } };
    case 'stageRecovery':
      ctx.recovery.stage(String(args['backupId'] ?? ''));
      return {};
    case 'queryRecovery':
      return { result: { queryRecoveryResult: { tasks: ctx.recovery.query(query) } } };
    case 'deleteRecoveryTasks':
      ctx.recovery.deleteTasks(query);
      return {};
    case 'commitRecovery':
      await ctx.commitRecovery(ctx.recovery.take());
      return {};
    case 'unloadRecovery':
      ctx.recovery.unload();
      return {};
    case 'snapshot':
      await ctx.snapshot();
      return {};
    case 'createJob':
      return createJob(ctx, args['description'] as JobConfiguration | undefined);
    case 'killTasks':
      return killTasks(ctx, args['job'] as JobKey | undefined, args['instances'] as number[] | undefined);
    case 'getTasksWithoutConfigs':
    case 'getTasksStatus': {
      const tasks = queryTasks(ctx.state().tasks, query);
      const out = method === 'getTasksWithoutConfigs' ? tasks.map(withoutConfig) : tasks;
      return { result: { scheduleStatusResult: { tasks: out } } };
    }
    case 'getRoleSummary':
      return {
        result: { roleSummaryResult: { summaries: roleSummaries(ctx.state().tasks, ctx.state().cronJobs) } },
      };
    case 'getJobSummary': {
      const role = typeof args['role'] === 'string' ? args['role'] : undefined;
      return { result: { jobSummaryResult: { summaries: jobSummaries(ctx.state().tasks, role) } } };
    }
    case 'getJobs': {
      const role = typeof args['ownerRole'] === 'string' ? args['ownerRole'] : undefined;
      return { result: { getJobsResult: { configs: getJobs(ctx.state(), role) } } };
    }
    case 'getQuota':
      return { result: { getQuotaResult: { quota: getQuota(ctx.state(), args['ownerRole']) } } };
    case 'scheduleCronJob':
      await scheduleCronJob(ctx.state, ctx.mutate, args['description'] as JobConfiguration | undefined);
      return {};
    case 'descheduleCronJob':
      return descheduleCronJob(ctx.state, ctx.mutate, args['job'] as JobKey | undefined);
    case 'setQuota':
      await setQuota(ctx.mutate, args['ownerRole'], args['quota'] as ResourceAggregate | undefined);
      return {};
    default:
      return {};
  }
}

async function createJob(
  ctx: ApiContext,
  description: JobConfiguration | undefined,
): Promise<{ message?: string }> {
  const job = validJob(description);
  const key = job.key;
  if (job.cronSchedule !== undefined) {
    throw new ApiError(
      ResponseCode.INVALID_REQUEST,
      'Cron jobs may only be created/updated by calling scheduleCronJob.',
    );
  }
  if (hasActiveTasks(ctx.state(), key) || cronJobOf(ctx.state(), key))
    throw new ApiError(ResponseCode.INVALID_REQUEST, `Job ${jobKeyString(key)} already exists.`);
  const tasks = newJobTasks(job, Date.now(), ctx.schedulerHost);
  await ctx.mutate((s) => ({ ...s, tasks: [...s.tasks, ...tasks] }));
  return {};
}

async function killTasks(
  ctx: ApiContext,
  job: JobKey | undefined,
  instances: number[] | undefined,
): Promise<{ message?: string }> {
  if (!job) throw new ApiError(ResponseCode.INVALID_REQUEST, 'A job key is required.');
  const q: TaskQuery = {
    jobKeys: [job],
    statuses: [...ACTIVE_STATES],
    ...(instances ? { instanceIds: instances } : {}),
  };
  const targets = new Set(queryTasks(ctx.state().tasks, q).map((t) => t.assignedTask.taskId));
  if (targets.size === 0) return { message: 'No tasks to kill.' };
  const now = Date.now();
  await ctx.mutate((s) => ({
    ...s,
    tasks: s.tasks.map((t) => {
      if (!targets.has(t.assignedTask.taskId) || !matchesQuery(t, q)) return t;
      // A task that never reached an agent dies at once; others are killed through the executor.
      const next = t.status === ScheduleStatus.PENDING ? ScheduleStatus.KILLED : ScheduleStatus.KILLING;
      return transition(t, next, now, ctx.schedulerHost, 'Killed by user');
    }),
  }));
  return {};
}
