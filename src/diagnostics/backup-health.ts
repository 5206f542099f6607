// BackupsHealthy: backups piggy-back on log snapshots, so the newest one may be 2 × max(backup_interval,
// dlog_snapshot_interval) old at most; a rising scheduler_backup_failed without a success means backups fail.
import type { BackupsStatus } from '../api/diagnostics-schema.ts';
import { formatAgeMs } from '../api/age.ts';
import { conditionFalse, conditionTrue, conditionUnknown, type ConditionBody } from '../api/conditions.ts';

const NAME = /^scheduler-backup-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/;

/**
 * The scheduler JVM's default time zone, which StorageBackup's SimpleDateFormat names backups in: -Duser.timezone
 * from spec.jvm.options if given, else UTC (the scheduler containers set no TZ).
 */
export function schedulerTimeZone(jvmOptions: readonly string[]): string {
  const option = jvmOptions.findLast((o) => o.startsWith('-Duser.timezone='));
  const zone = option?.slice('-Duser.timezone='.length);
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** Milliseconds the zone is ahead of UTC at the instant `ms`. */
function zoneOffsetMs(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The minute a backup name stands for, read in the scheduler JVM's zone. */
export function backupTime(name: string, zone = 'UTC'): Date | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // the offset at the guessed instant, re-read once so a name just after a DST change lands right
  const guess = wall - zoneOffsetMs(wall, zone);
  return new Date(wall - zoneOffsetMs(guess, zone));
}

export function newestBackup(names: readonly string[], zone = 'UTC'): { name: string; at: Date } | undefined {
  const dated = names
    .map((name) => ({ name, at: backupTime(name, zone) }))
    .filter((b): b is { name: string; at: Date } => b.at !== undefined);
  return dated.reduce<{ name: string; at: Date } | undefined>(
    (best, b) => (!best || b.at > best.at ? b : best),
    undefined,
  );
}

export interface LeaderBackupSignals {
  pod: string;
  uid: string;
  successTotal?: number | undefined;
  failedTotal?: number | undefined;
  names?: readonly string[] | undefined;
}

/** Next bookkeeping: counters are compared only with the same leader process. */
export function nextBackupsStatus(
  previous: BackupsStatus | undefined,
  leader: LeaderBackupSignals | undefined,
  now: Date,
  zone = 'UTC',
): BackupsStatus | undefined {
  if (!leader) return previous;
  const same = previous?.leaderUid === leader.uid;
  const success = leader.successTotal ?? 0;
  const failed = leader.failedTotal ?? 0;
  const succeeded = same ? success > (previous.successTotal ?? 0) : success > 0;
  const failedMore = same ? failed > (previous.failedTotal ?? 0) : failed > 0 && success === 0;
  let failingSince = same ? previous.failingSince : undefined;
  if (succeeded) failingSince = undefined;
  else if (failedMore) failingSince ??= now.toISOString();
  // a new leader may hold no backups yet; the previous leader's newest one still exists on its disk
  const newest = leader.names ? newestBackup(leader.names, zone) : undefined;
  return {
    leader: leader.pod,
    leaderUid: leader.uid,
    successTotal: success,
    failedTotal: failed,
    ...(failingSince ? { failingSince } : {}),
    ...(newest
      ? { newest: newest.name, newestAt: newest.at.toISOString() }
      : previous?.newest && previous.newestAt
        ? { newest: previous.newest, newestAt: previous.newestAt }
        : {}),
  };
}

export interface BackupFacts {
  status: BackupsStatus | undefined;
  /** Also considered: a newer backup another feature recorded (e.g. backup agents), as a time. */
  otherNewestAt?: string | undefined;
  effectiveIntervalMs: number;
  /** Seconds the leader process has been up, so a fresh cluster is not called stale. */
  leaderUptimeSecs?: number | undefined;
  now: Date;
}

/** The newest backup time among the leader's and another feature's, as milliseconds since the epoch. */
function newestBackupMs(facts: Pick<BackupFacts, 'status' | 'otherNewestAt'>): number | undefined {
  const times = [facts.status?.newestAt, facts.otherNewestAt]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  return times.length ? Math.max(...times) : undefined;
}

/** Age in seconds of the newest backup, counting from the end of its minute so it is never overstated. */
export function newestBackupAgeSecs(
  facts: Pick<BackupFacts, 'status' | 'otherNewestAt' | 'now'>,
): number | undefined {
  const newest = newestBackupMs(facts);
  if (newest === undefined) return undefined;
  return Math.max(0, (facts.now.getTime() - (newest + 60_000)) / 1000);
}

// messages name times, never ages: a status that changed on every pass would be written on every pass
export function backupsHealthy(facts: BackupFacts): ConditionBody {
  const { status } = facts;
  const limitSecs = (2 * facts.effectiveIntervalMs) / 1000;
  const limit = formatAgeMs(2 * facts.effectiveIntervalMs);
  const remedy =
    'Check the scheduler log for "Failed to prepare backup", free space and permissions of -backup_dir, and that ' +
    'the leader is ACTIVE (backups run with the periodic log snapshot on the leader only).';
  if (status?.failingSince) {
    return conditionFalse(
      'BackupFailing',
      `Backups failing: scheduler_backup_failed on ${status.leader ?? 'the leader'} rose to ${status.failedTotal ?? 0} ` +
        `since ${status.failingSince} without a successful backup. ${remedy}`,
    );
  }
  const age = newestBackupAgeSecs(facts);
  if (age === undefined) {
    if (!status?.leader) return conditionUnknown('NoActiveLeader', 'No active leader to read backups from.');
    if ((facts.leaderUptimeSecs ?? 0) > limitSecs) {
      return conditionFalse(
        'BackupStale',
        `No backup on ${status.leader} although it has run for more than ${limit}, twice the effective backup ` +
          `interval (${formatAgeMs(facts.effectiveIntervalMs)}). ${remedy}`,
      );
    }
    return conditionTrue(
      'AwaitingFirstBackup',
      'No backup yet; the first one comes with a log snapshot after the interval.',
    );
  }
  const newest = status?.newest ?? 'the newest backup';
  const takenAt = new Date(newestBackupMs(facts) ?? 0).toISOString();
  if (age > limitSecs) {
    return conditionFalse(
      'BackupStale',
      `Backups stale: ${newest} (${takenAt}) is more than ${limit} old, twice the effective interval ` +
        `max(backup_interval, dlog_snapshot_interval) = ${formatAgeMs(facts.effectiveIntervalMs)}. ${remedy}`,
    );
  }
  return conditionTrue('BackupsRecent', `${newest} (${takenAt}) is at most ${limit} old.`);
}
