// Reads the live scheduler's cron jobs and role quotas for the impact of a restore. A part that cannot be read is
// reported with its reason, so the impact says "not compared" instead of "unchanged".
import type { NotCompared } from '../api/restore-impact.ts';
import { getJobs, getQuota, type AuroraAdminClient } from '../aurora/admin-client.ts';
import {
  formatResources,
  summarizeCronJob,
  type BackupSummary,
  type CronJobSummary,
  type QuotaSummary,
  type TaskSummary,
} from '../aurora/backup-summary.ts';
import type { LiveState } from './impact.ts';

/** Quotas are read one role at a time (getQuota takes a role); this many at once. */
export const QUOTA_READS_IN_FLIGHT = 8;
/** More roles than this are not read one by one: quotas are then not compared, and the impact says so. */
export const MAX_QUOTA_ROLES = 2_000;

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const roleOf = (job: string): string => job.split('/')[0] ?? job;

/** readLiveCronJobs: the jobs getJobs returns with a cron schedule are the cron templates. */
async function readLiveCronJobs(admin: AuroraAdminClient): Promise<CronJobSummary[]> {
  return (await getJobs(admin)).filter((j) => j.cronSchedule).map((j) => summarizeCronJob(j));
}

/**
 * readLiveQuotas: Aurora has no call listing every quota, so it reads the roles either side can name: the
 * backup's quota roles, the live roles with jobs or cron jobs (getRoleSummary) and the tasks' roles. A quota set
 * since the backup for a role with no job at all is therefore not seen.
 */
async function readLiveQuotas(
  admin: AuroraAdminClient,
  backup: BackupSummary,
  liveTasks: readonly TaskSummary[],
): Promise<QuotaSummary[]> {
  const summary = await admin.call('getRoleSummary', {});
  const roles = [
    ...new Set([
      ...backup.quotas.map((q) => q.role),
      ...(summary.result?.roleSummaryResult?.summaries ?? []).map((r) => r.role),
      ...backup.tasks.map((t) => roleOf(t.job)),
      ...liveTasks.map((t) => roleOf(t.job)),
    ]),
  ].filter((r) => r !== '');
  if (roles.length > MAX_QUOTA_ROLES) throw new Error(`${roles.length} roles, more than ${MAX_QUOTA_ROLES}`);
  const out: QuotaSummary[] = [];
  for (let i = 0; i < roles.length; i += QUOTA_READS_IN_FLIGHT) {
    const batch = roles.slice(i, i + QUOTA_READS_IN_FLIGHT);
    const read = await Promise.all(batch.map(async (role) => formatResources(await getQuota(admin, role))));
    batch.forEach((role, k) => out.push({ role, resources: read[k] ?? 'none' }));
  }
  return out;
}

/** readLiveConfig reads both parts independently: one failing leaves the other compared. */
export async function readLiveConfig(
  admin: AuroraAdminClient,
  backup: BackupSummary,
  liveTasks: readonly TaskSummary[],
): Promise<Omit<LiveState, 'tasks'>> {
  const unread: NotCompared[] = [];
  const [cronJobs, quotas] = await Promise.all([
    readLiveCronJobs(admin).catch((err: unknown) => {
      unread.push({ part: 'cronJobs', reason: reasonOf(err) });
      return undefined;
    }),
    readLiveQuotas(admin, backup, liveTasks).catch((err: unknown) => {
      unread.push({ part: 'quotas', reason: reasonOf(err) });
      return undefined;
    }),
  ]);
  return {
    ...(cronJobs ? { cronJobs } : {}),
    ...(quotas ? { quotas } : {}),
    ...(unread.length ? { unread } : {}),
  };
}
