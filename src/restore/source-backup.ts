// The backup a restore works on once validated: what `backupId: latest` resolved to, recorded in status.source.
import type { AuroraRestore } from '../api/aurora-restore.ts';

/** sourceBackupId: status.source.name, or spec.backupId for a restore validated before the name was recorded. */
export function sourceBackupId(restore: AuroraRestore): string {
  return restore.status?.source?.name ?? restore.spec.backupId;
}
