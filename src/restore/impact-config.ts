// The cron jobs and role quotas a restore changes, computed purely from the backup's summary rows and the live
// scheduler's: Aurora's restore replaces the cron store and the quota store with the backup's wholesale.
import type { CronJobsDiff, QuotasDiff } from '../api/restore-impact.ts';
import type { CronJobSummary, QuotaSummary } from '../aurora/backup-summary.ts';

const listOf = (keys: readonly string[], limit: number) => ({
  count: keys.length,
  jobs: keys.slice(0, limit),
});

/** differs: schedule or task config digest, and instances or collision policy where both sides recorded them. */
function differs(a: CronJobSummary, b: CronJobSummary): boolean {
  const both = (x: number | undefined, y: number | undefined): boolean =>
    x !== undefined && y !== undefined && x !== y;
  return (
    a.schedule !== b.schedule ||
    a.config !== b.config ||
    both(a.instances, b.instances) ||
    both(a.collisionPolicy, b.collisionPolicy)
  );
}

/** computeCronJobsDiff: added since the backup, removed since, or changed (see differs). */
export function computeCronJobsDiff(
  backup: readonly CronJobSummary[],
  live: readonly CronJobSummary[],
  limit: number,
): CronJobsDiff {
  const inBackup = new Map(backup.map((c) => [c.job, c]));
  const inLive = new Map(live.map((c) => [c.job, c]));
  const added = [...inLive.keys()].filter((k) => !inBackup.has(k)).sort();
  const removed = [...inBackup.keys()].filter((k) => !inLive.has(k)).sort();
  const changed = [...inLive]
    .filter(([k, v]) => {
      const old = inBackup.get(k);
      return old !== undefined && differs(old, v);
    })
    .map(([k]) => k)
    .sort();
  return {
    count: added.length + removed.length + changed.length,
    added: listOf(added, limit),
    removed: listOf(removed, limit),
    changed: listOf(changed, limit),
  };
}

/**
 * normalQuota: an unset quota and an all-zero one are the same to Aurora (getQuota answers zero cpus, ram and disk
 * for a role without one), so zero amounts are dropped and nothing left reads "none".
 */
export function normalQuota(resources: string | undefined): string {
  const parts = (resources ?? '').split(', ').filter((p) => p && p !== 'none' && !/^\S+ 0( MiB)?$/.test(p));
  return parts.length ? parts.join(', ') : 'none';
}

/** computeQuotasDiff compares every role either side names; a role missing on one side has no quota there. */
export function computeQuotasDiff(
  backup: readonly QuotaSummary[],
  live: readonly QuotaSummary[],
  limit: number,
): QuotasDiff {
  const inBackup = new Map(backup.map((q) => [q.role, normalQuota(q.resources)]));
  const inLive = new Map(live.map((q) => [q.role, normalQuota(q.resources)]));
  const roles = [...new Set([...inBackup.keys(), ...inLive.keys()])].sort();
  const changed = roles
    .map((role) => ({ role, backup: inBackup.get(role) ?? 'none', live: inLive.get(role) ?? 'none' }))
    .filter((q) => q.backup !== q.live);
  return { count: changed.length, changed: changed.slice(0, limit) };
}
