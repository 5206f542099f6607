// Names and headers of the backup agent's HTTP API, kept free of zod so the sidecar does not load it.

export const BACKUP_FILE_PREFIX = 'scheduler-backup-';
export const BACKUP_NAME_PATTERN = /^scheduler-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/;

/** A restore id as it appears in marker names: the AuroraRestore's uid (or a DNS-subdomain name), never a path. */
export const RESTORE_ID_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_RESTORE_ID_LENGTH = 253;

export function isRestoreId(id: string): boolean {
  return id.length <= MAX_RESTORE_ID_LENGTH && RESTORE_ID_PATTERN.test(id);
}

/** Carries a backup file's write time from GET to PUT, so a copy keeps the original's mtime. */
export const MTIME_HEADER = 'x-backup-mtime';
