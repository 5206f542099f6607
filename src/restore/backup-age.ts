// The stale-backup rule: a backup older than spec.maxBackupAge is refused unless spec.acceptBackupAge says so,
// because everything started or rescheduled since the snapshot is killed after the restore (Aurora's guide).
import { formatAgeMs } from '../api/age.ts';
import type { AuroraRestoreSpec } from '../api/aurora-restore.ts';
import { parseDuration } from '../api/duration.ts';

export type AgeVerdict =
  { ok: true; ageMs?: number; note?: string } | { ok: false; ageMs?: number; message: string };

const HOW_TO_ALLOW = 'set spec.acceptBackupAge: true or a larger spec.maxBackupAge to restore it anyway';

/**
 * planBackupAge judges a backup by the snapshot's own timestamp (field 1, decoded by the agent), never by its file
 * name or time, which a copy or a clock in another zone can make look younger; no timestamp means no proof of age.
 */
export function planBackupAge(
  name: string,
  snapshotMs: number | undefined,
  spec: Pick<AuroraRestoreSpec, 'maxBackupAge' | 'acceptBackupAge'>,
  now: Date,
): AgeVerdict {
  const limitMs = parseDuration(spec.maxBackupAge);
  if (snapshotMs === undefined) {
    if (spec.acceptBackupAge) return { ok: true, note: 'age unknown, accepted by spec.acceptBackupAge' };
    return {
      ok: false,
      message:
        `the age of backup ${name} is unknown: the backup agent could not decode its snapshot timestamp; ` +
        'set spec.acceptBackupAge: true to restore it anyway',
    };
  }
  const ageMs = Math.max(0, now.getTime() - snapshotMs);
  if (ageMs <= limitMs) return { ok: true, ageMs };
  if (spec.acceptBackupAge) {
    return {
      ok: true,
      ageMs,
      note: `older than maxBackupAge ${spec.maxBackupAge}, accepted by acceptBackupAge`,
    };
  }
  return {
    ok: false,
    ageMs,
    message:
      `backup ${name} is ${formatAgeMs(ageMs)} old (snapshot taken ${new Date(snapshotMs).toISOString()}), older ` +
      `than spec.maxBackupAge ${spec.maxBackupAge}: every task started or rescheduled since would be killed; ` +
      HOW_TO_ALLOW,
  };
}
