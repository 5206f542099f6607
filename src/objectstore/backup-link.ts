// A link to one backup object of another store: its name (latest resolved), its metadata and a presigned GET URL,
// so a backup agent downloads that one object for a while without ever holding the store's keys.
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { LATEST_BACKUP } from '../api/aurora-restore.ts';
import { parseBackupMetadata, type BackupMetadata } from './backup-metadata.ts';
import { listBackups } from './list-backups.ts';
import { objectKey, type ObjectStoreSettings } from './object-store-client.ts';
import { ObjectStoreError, toObjectStoreError } from './object-store-errors.ts';

/** How long the link works: a download of a large backup must start within it, not end. */
export const BACKUP_LINK_SECONDS = 15 * 60;

export interface BackupLink {
  name: string;
  metadata: BackupMetadata;
  /** presigned GET of the object, valid BACKUP_LINK_SECONDS */
  url: string;
}

/** readBackupMetadata: the object's sha256 and description; one the operator did not write is OBJECT_METADATA_MISSING. */
export async function readBackupMetadata(
  client: S3Client,
  settings: ObjectStoreSettings,
  name: string,
): Promise<BackupMetadata> {
  const key = objectKey(settings, name);
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }));
    const metadata = parseBackupMetadata(head.Metadata);
    if (metadata) return metadata;
    throw new ObjectStoreError('OBJECT_METADATA_MISSING', `${key} has no sha256 metadata`);
  } catch (err) {
    throw toObjectStoreError(err, `read s3://${settings.bucket}/${key}`);
  }
}

/** linkBackup: `latest` is the newest complete object under the prefix; a missing one is OBJECT_NOT_FOUND. */
export async function linkBackup(
  client: S3Client,
  settings: ObjectStoreSettings,
  nameOrLatest: string,
): Promise<BackupLink> {
  let name = nameOrLatest;
  let metadata: BackupMetadata;
  if (nameOrLatest === LATEST_BACKUP) {
    const [newest] = await listBackups(client, settings);
    if (!newest) {
      throw new ObjectStoreError(
        'OBJECT_NOT_FOUND',
        `s3://${settings.bucket}/${objectKey(settings, '')} holds no complete backup object`,
      );
    }
    ({ name, metadata } = newest);
  } else {
    metadata = await readBackupMetadata(client, settings, nameOrLatest);
  }
  const command = new GetObjectCommand({ Bucket: settings.bucket, Key: objectKey(settings, name) });
  const url = await getSignedUrl(client, command, { expiresIn: BACKUP_LINK_SECONDS });
  return { name, metadata, url };
}
