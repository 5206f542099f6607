// Wire shapes of the backup agent's HTTP API, shared by its server and the operator's client.
import { z } from 'zod';

export const BACKUP_FILE_PREFIX = 'scheduler-backup-';
export const BACKUP_NAME_PATTERN = /^scheduler-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/;

export const BackupFile = z.object({
  name: z.string(),
  size: z.int().min(0),
  /** modification time, RFC 3339 */
  mtime: z.string(),
});
export type BackupFile = z.infer<typeof BackupFile>;

/** A restore id as it appears in marker names: the AuroraRestore's uid (or a DNS-subdomain name), never a path. */
export const RESTORE_ID_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_RESTORE_ID_LENGTH = 253;

export function isRestoreId(id: string): boolean {
  return id.length <= MAX_RESTORE_ID_LENGTH && RESTORE_ID_PATTERN.test(id);
}

export const BackupList = z.object({ backups: z.array(BackupFile) });
export const MarkerList = z.object({ markers: z.array(z.string()) });

/** Carries a backup file's write time from GET to PUT, so a copy keeps the original's mtime. */
export const MTIME_HEADER = 'x-backup-mtime';

/** What the agent found when it decoded a backup file where it lies, before a restore touches any log. */
export const BackupCheck = z.object({
  name: z.string(),
  size: z.int().min(0),
  /** unchecked: too large to decode in the agent's memory; the restore goes on with a warning */
  verdict: z.enum(['readable', 'unreadable', 'unchecked']),
  /** tasks in the snapshot, when readable */
  tasks: z.int().min(0).optional(),
  /** the snapshot's own timestamp (ms), when readable */
  timestamp: z.number().optional(),
  /** why the file is not a backup Aurora can load */
  problem: z.string().optional(),
});
export type BackupCheck = z.infer<typeof BackupCheck>;
