// POST /backups/<name>/fetch: the agent downloads one backup object from its cluster's store into the backup
// volume (SHA-256 checked, temp name + rename by downloadBackup), or finds it already there.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LATEST_BACKUP } from '../api/aurora-restore.ts';
import type { BackupMetadata } from '../objectstore/backup-metadata.ts';
import { readBackupMetadata } from '../objectstore/backup-link.ts';
import { downloadBackup } from '../objectstore/download-backup.ts';
import { sha256OfFile } from '../objectstore/hashing-stream.ts';
import { listBackups } from '../objectstore/list-backups.ts';
import { createObjectStoreClient, type ObjectStoreSettings } from '../objectstore/object-store-client.ts';
import { ObjectStoreError } from '../objectstore/object-store-errors.ts';
import type { FetchedBackup } from './agent-api.ts';

/** The three store calls a fetch needs, apart from S3 so tests can fake the store. */
export interface FetchStore {
  /** the name of the newest complete backup object and its metadata, undefined when there is none */
  newest(): Promise<{ name: string; metadata: BackupMetadata } | undefined>;
  /** the metadata of one object; ObjectStoreError OBJECT_NOT_FOUND when it is not there */
  metadata(name: string): Promise<BackupMetadata>;
  download(name: string, target: string): Promise<BackupMetadata>;
}

/**
 * conflict: the local file differs from the object of the same name; it is someone's backup, never overwritten.
 * prefix: another prefix of the same store (a bootstrap reads the old cluster's); absent: the agent's own.
 */
export type BackupFetcher = (
  nameOrLatest: string,
  prefix?: string,
) => Promise<FetchedBackup | { conflict: string }>;

export function createS3FetchStore(settings: ObjectStoreSettings): FetchStore {
  const client = createObjectStoreClient(settings);
  return {
    async newest() {
      const [newest] = await listBackups(client, settings);
      return newest && { name: newest.name, metadata: newest.metadata };
    },
    metadata: (name) => readBackupMetadata(client, settings, name),
    async download(name, target) {
      return (await downloadBackup(client, settings, { name, target })).metadata;
    },
  };
}

/** createS3Fetcher: the fetcher of an agent that ships, reading its own prefix or the one a request names. */
export function createS3Fetcher(settings: ObjectStoreSettings, backupDir: string): BackupFetcher {
  const own = createBackupFetcher(createS3FetchStore(settings), backupDir);
  return (nameOrLatest, prefix) =>
    prefix === undefined
      ? own(nameOrLatest)
      : createBackupFetcher(createS3FetchStore({ ...settings, prefix }), backupDir)(nameOrLatest);
}

/** createBackupFetcher: re-running a fetch that already landed is a no-op, so a crash and retry is safe. */
export function createBackupFetcher(store: FetchStore, backupDir: string): BackupFetcher {
  return async (nameOrLatest) => {
    const newest = nameOrLatest === LATEST_BACKUP ? await store.newest() : undefined;
    if (nameOrLatest === LATEST_BACKUP && !newest) {
      throw new ObjectStoreError('OBJECT_NOT_FOUND', 'the object store holds no complete backup object');
    }
    const name = newest?.name ?? nameOrLatest;
    const target = join(backupDir, name);
    const present = await stat(target).catch(() => undefined);
    if (!present) {
      const metadata = await store.download(name, target);
      return { name, size: metadata.size, sha256: metadata.sha256, fetched: true };
    }
    return compareWithLocal(target, name, newest?.metadata ?? (await store.metadata(name)));
  };
}

/** compareWithLocal: a file already at the target is the object when size and SHA-256 agree, else a conflict. */
export async function compareWithLocal(
  target: string,
  name: string,
  metadata: Pick<BackupMetadata, 'sha256' | 'size'>,
): Promise<FetchedBackup | { conflict: string }> {
  const local = await sha256OfFile(target);
  if (local.sha256 !== metadata.sha256 || local.size !== metadata.size) {
    return {
      conflict:
        `${name} is already on this volume with ${local.size} bytes and SHA-256 ${local.sha256}, but the ` +
        `object has ${metadata.size} bytes and ${metadata.sha256}; the local file was left as it is`,
    };
  }
  return { name, size: local.size, sha256: local.sha256, fetched: false };
}
