// When a rehearsal restore is due: on the cron schedule of spec.backup.verify, else after each new backup and at
// most once an hour. Pure.
import type { AuroraCluster, RehearsedBackups } from '../api/aurora-cluster.ts';
import { nextTick, parseCron } from '../api/cron-schedule.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';

/** Without a schedule, rehearsals of successive new backups are at least this far apart. */
export const DEFAULT_MIN_INTERVAL_MS = 3_600_000;

export interface ScheduleInput {
  cluster: AuroraCluster;
  newestBackup: NewestBackup | undefined;
  now: Date;
}

/** lastAttempt: the later of the last verified and the last failed rehearsal. */
export function lastAttempt(backups: RehearsedBackups | undefined): { name: string; at: Date } | undefined {
  const tries = [backups?.lastVerified, backups?.lastFailed].filter((t) => t !== undefined);
  const latest = tries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  return latest ? { name: latest.name, at: new Date(latest.at) } : undefined;
}

/** planRehearsalDue: why a rehearsal starts now, or undefined when none is due. */
export function planRehearsalDue(input: ScheduleInput): string | undefined {
  const { cluster, newestBackup, now } = input;
  const verify = cluster.spec.backup.verify;
  if (!verify.enabled || !newestBackup) return undefined;
  const last = lastAttempt(cluster.status?.backups);
  if (!last) return `first rehearsal, of ${newestBackup.name}`;
  if (verify.schedule !== undefined) {
    // the first tick after the last attempt: a missed tick (operator down) runs once, not once per tick
    const tick = nextTick(parseCron(verify.schedule), new Date(last.at.getTime() + 1), now);
    return tick ? `schedule "${verify.schedule}" ticked at ${tick.toISOString()}` : undefined;
  }
  if (last.name === newestBackup.name) return undefined;
  if (now.getTime() - last.at.getTime() < DEFAULT_MIN_INTERVAL_MS) return undefined;
  return `new backup ${newestBackup.name}`;
}
