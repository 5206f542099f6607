// The impact of a restore, computed purely from the backup's summary and the live scheduler's: Aurora resets to the
// backup, so live tasks unknown to it are killed, tasks rescheduled since are killed and re-created, and the cron
// jobs and quotas become the backup's (impact-config.ts).
import { formatAgeMs } from '../api/age.ts';
import {
  IMPACT_JOB_LIMIT,
  IMPACT_LIST_LIMIT,
  type ImpactTasks,
  type NotCompared,
  type RestoreImpact,
} from '../api/restore-impact.ts';
import type { BackupSummary, CronJobSummary, QuotaSummary, TaskSummary } from '../aurora/backup-summary.ts';
import { computeCronJobsDiff, computeQuotasDiff } from './impact-config.ts';
import { summarizeImpact } from './impact-summary.ts';

/** What the operator read of the live scheduler; a part left undefined was not read and is not compared. */
export interface LiveState {
  tasks: readonly TaskSummary[];
  cronJobs?: readonly CronJobSummary[];
  quotas?: readonly QuotaSummary[];
  /** why a part was not read, when it was tried */
  unread?: readonly NotCompared[];
}

export interface ImpactOptions {
  /** the scheduler pod whose state was read */
  leader?: string;
  limit?: number;
}

/** Aurora's terminal states: a task in one of them is history, not something a restore kills. */
const TERMINAL = new Set(['FINISHED', 'FAILED', 'KILLED', 'LOST']);
const isActive = (t: TaskSummary): boolean => !TERMINAL.has(t.status);

/** bySlot indexes tasks by job, then instance: no key string per task, which 100,000 tasks would feel. */
function bySlot(tasks: readonly TaskSummary[]): Map<string, Map<number, TaskSummary>> {
  const out = new Map<string, Map<number, TaskSummary>>();
  for (const t of tasks) {
    let instances = out.get(t.job);
    if (!instances) out.set(t.job, (instances = new Map()));
    instances.set(t.instance, t);
  }
  return out;
}
const roleOf = (job: string): string => job.split('/')[0] ?? job;

function count(keys: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** impactTasks: complete counts, the jobs with most tasks and the first task ids, so the status stays small. */
export function impactTasks(tasks: readonly TaskSummary[], limit = IMPACT_LIST_LIMIT): ImpactTasks {
  const byJob = count(tasks.map((t) => t.job));
  const topJobs = [...byJob].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, IMPACT_JOB_LIMIT);
  return {
    count: tasks.length,
    jobs: byJob.size,
    byRole: Object.fromEntries(count(tasks.map((t) => roleOf(t.job)))),
    byJob: Object.fromEntries(topJobs),
    taskIds: tasks
      .map((t) => t.id)
      .sort()
      .slice(0, limit),
  };
}

/** configsByJob: the set of config digests of each job's active tasks (a job mid-update has several). */
function configsByJob(tasks: readonly TaskSummary[]): Map<string, string> {
  const sets = new Map<string, Set<string>>();
  for (const t of tasks) sets.set(t.job, (sets.get(t.job) ?? new Set()).add(t.config));
  return new Map([...sets].map(([job, s]) => [job, [...s].sort().join(',')]));
}

/**
 * computeImpact: killed are live active tasks the backup does not know, in a job and instance the backup has no
 * active task for (created after it); rescheduled are the backup's active tasks whose live counterpart (same job
 * and instance) has another id or host, so Aurora kills the live one and re-creates the backup's. A task is in at
 * most one of the two.
 */
export function computeImpact(
  backup: BackupSummary,
  live: LiveState,
  now: Date,
  opts: ImpactOptions = {},
): RestoreImpact {
  const limit = opts.limit ?? IMPACT_LIST_LIMIT;
  const backupActive = backup.tasks.filter(isActive);
  const liveActive = live.tasks.filter(isActive);
  const backupIds = new Set(backup.tasks.map((t) => t.id));
  const backupSlots = bySlot(backupActive);
  const liveSlots = bySlot(liveActive);
  const killed = liveActive.filter((t) => !backupIds.has(t.id) && !backupSlots.get(t.job)?.has(t.instance));
  const rescheduled = backupActive.filter((b) => {
    const l = liveSlots.get(b.job)?.get(b.instance);
    return l !== undefined && (l.id !== b.id || (!!l.host && !!b.host && l.host !== b.host));
  });
  const backupConfigs = configsByJob(backupActive);
  const liveConfigs = configsByJob(liveActive);
  const changedJobs = [...liveConfigs]
    .filter(([job, digests]) => backupConfigs.has(job) && backupConfigs.get(job) !== digests)
    .map(([job]) => job)
    .sort();
  const notCompared = (['cronJobs', 'quotas'] as const)
    .filter((part) => live[part] === undefined)
    .map((part) => live.unread?.find((u) => u.part === part) ?? { part, reason: 'not read' });
  const impact: RestoreImpact = {
    known: true,
    backup: backup.name,
    backupAge: formatAgeMs(now.getTime() - backup.timestamp),
    computedAt: now.toISOString(),
    ...(opts.leader ? { leader: opts.leader } : {}),
    backupTasks: backupActive.length,
    liveTasks: liveActive.length,
    killed: impactTasks(killed, limit),
    rescheduled: impactTasks(rescheduled, limit),
    changedJobs: { count: changedJobs.length, jobs: changedJobs.slice(0, limit) },
    ...(live.cronJobs ? { cronJobs: computeCronJobsDiff(backup.cronJobs, live.cronJobs, limit) } : {}),
    ...(live.quotas ? { quotas: computeQuotasDiff(backup.quotas, live.quotas, limit) } : {}),
    ...(notCompared.length ? { notCompared } : {}),
  };
  return { ...impact, summary: summarizeImpact(impact) };
}

/** unknownImpact: the live scheduler could not be read, which says nothing about what the restore kills. */
export function unknownImpact(
  reason: string,
  backup: { name: string; timestamp?: number | undefined },
  now: Date,
): RestoreImpact {
  const impact: RestoreImpact = {
    known: false,
    reason,
    backup: backup.name,
    ...(backup.timestamp !== undefined ? { backupAge: formatAgeMs(now.getTime() - backup.timestamp) } : {}),
    computedAt: now.toISOString(),
  };
  return { ...impact, summary: summarizeImpact(impact) };
}
