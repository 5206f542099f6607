// The shipper's store bound to S3, and the start-up sweep of unfinished uploads.
import { abortStaleUploads } from '../objectstore/abort-stale-uploads.ts';
import { deleteBackup } from '../objectstore/delete-backup.ts';
import { listBackups } from '../objectstore/list-backups.ts';
import { createObjectStoreClient, type ObjectStoreSettings } from '../objectstore/object-store-client.ts';
import { uploadBackup } from '../objectstore/upload-backup.ts';
import type { ShipperStore } from './backup-shipper.ts';

/** an unfinished upload this old belongs to no live uploader: a large backup uploads in minutes, not an hour */
export const STALE_UPLOAD_MS = 3_600_000;

export function createS3ShipperStore(settings: ObjectStoreSettings): {
  store: ShipperStore;
  sweep: () => Promise<string[]>;
} {
  const client = createObjectStoreClient(settings);
  const store: ShipperStore = {
    async list() {
      const backups = await listBackups(client, settings);
      return backups.map((b) => {
        const snapshot = new Date(b.metadata.snapshotTime);
        return {
          name: b.name,
          time: Number.isNaN(snapshot.getTime()) ? b.lastModified : snapshot,
          size: Number.isFinite(b.metadata.size) ? b.metadata.size : 0,
        };
      });
    },
    upload: (input) => uploadBackup(client, settings, input),
    remove: (name) => deleteBackup(client, settings, name),
  };
  const sweep = (): Promise<string[]> =>
    abortStaleUploads(client, settings, { olderThanMs: STALE_UPLOAD_MS, now: new Date() });
  return { store, sweep };
}
