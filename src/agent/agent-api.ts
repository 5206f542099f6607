// Wire shapes of the backup agent's HTTP API, shared by its server and the operator's client.
import { z } from 'zod';

export {
  BACKUP_FILE_PREFIX,
  BACKUP_NAME_PATTERN,
  isRestoreId,
  MAX_RESTORE_ID_LENGTH,
  MTIME_HEADER,
  RESTORE_ID_PATTERN,
} from './agent-names.ts';

export const BackupFile = z.object({
  name: z.string(),
  size: z.int().min(0),
  /** modification time, RFC 3339 */
  mtime: z.string(),
});
export type BackupFile = z.infer<typeof BackupFile>;

export const BackupList = z.object({ backups: z.array(BackupFile) });
export const MarkerList = z.object({ markers: z.array(z.string()) });

/** What the agent found when it decoded a backup file where it lies, before a restore touches any log. */
export const BackupCheck = z.object({
  name: z.string(),
  size: z.int().min(0),
  /** unchecked: kept for agents older than the streaming decode (issue 22), which refused files above 256 MiB;
   * an agent now decodes every file, so it answers only readable or unreadable */
  verdict: z.enum(['readable', 'unreadable', 'unchecked']),
  /** tasks in the snapshot, when readable */
  tasks: z.int().min(0).optional(),
  /** the snapshot's own timestamp (ms), when readable */
  timestamp: z.number().optional(),
  /** why the file is not a backup Aurora can load */
  problem: z.string().optional(),
});
export type BackupCheck = z.infer<typeof BackupCheck>;

/** What the agent's shipper did: GET /shipping, so the operator can report shipping in status and metrics. */
export const ShippingStatus = z.object({
  lastShipped: z
    .object({ name: z.string(), at: z.string(), size: z.int().min(0), tasks: z.int().min(0) })
    .optional(),
  /** the last failure; cleared by a round without one */
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
  /** complete local backups not in the store yet (unreadable ones excluded) */
  pending: z.int().min(0),
  /** objects and their bytes under the cluster's prefix, from the last listing */
  objects: z.int().min(0),
  bytes: z.number().min(0),
  /** failed uploads since the agent started */
  uploadFailures: z.int().min(0),
  /** local files that are not a Snapshot Aurora could load: never shipped */
  unreadable: z.array(z.string()),
  lastRoundAt: z.string().optional(),
  /** the upload in flight: a slow store shows here long before it fails */
  uploading: z.object({ name: z.string(), size: z.int().min(0), since: z.string() }).optional(),
});
export type ShippingStatus = z.infer<typeof ShippingStatus>;

/** POST /backups/<name|latest>/fetch: what the agent downloaded from the store (or found already there). */
export const FetchedBackup = z.object({
  name: z.string(),
  size: z.int().min(0),
  sha256: z.string(),
  /** false: the file was already on the volume with that size and SHA-256, nothing was downloaded */
  fetched: z.boolean(),
});
export type FetchedBackup = z.infer<typeof FetchedBackup>;

/**
 * POST /backups/<name>/fetch-link: download one object of another store through a presigned URL the operator made;
 * the store's keys never reach the agent. The object's size and SHA-256 come from the operator's HEAD of it.
 * A plain shape checked by hand (fetch-link.ts), so the agent's process never loads zod for it.
 */
export interface BackupLinkRequest {
  url: string;
  sha256: string;
  size: number;
  /** PEM bundle of the CA that signs the store's certificate */
  caBundle?: string;
}
