// Lists the complete backups under the cluster's prefix, newest first. Only complete objects are ever listed by
// S3 (an unfinished multipart upload is not an object), and an object without valid sha256 metadata is skipped
// because the operator did not write it.
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseBackupMetadata, type BackupMetadata } from './backup-metadata.ts';
import { BACKUP_ID_PATTERN } from '../api/aurora-restore.ts';
import { normalizedPrefix, type ObjectStoreSettings } from './object-store-client.ts';
import { codeOf, toObjectStoreError } from './object-store-errors.ts';

/** HeadObject calls in flight at once */
const HEAD_CONCURRENCY = 4;

export interface StoredBackup {
  name: string;
  key: string;
  lastModified: Date;
  metadata: BackupMetadata;
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token === undefined ? {} : { ContinuationToken: token }),
      }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function describe(
  client: S3Client,
  bucket: string,
  key: string,
  name: string,
): Promise<StoredBackup | undefined> {
  const head = await client
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .catch((err: unknown) => {
      // deleted between the listing and now (retention on another replica): no longer a backup
      if (codeOf(err) === 'OBJECT_NOT_FOUND') return undefined;
      throw err;
    });
  if (head === undefined) return undefined;
  const metadata = parseBackupMetadata(head.Metadata);
  if (metadata === undefined) return undefined;
  return { name, key, lastModified: head.LastModified ?? new Date(0), metadata };
}

/** listBackups: backup names sort by their time, so newest first is the names in descending order. */
export async function listBackups(client: S3Client, settings: ObjectStoreSettings): Promise<StoredBackup[]> {
  const prefix = normalizedPrefix(settings.prefix);
  try {
    const keys = (await listKeys(client, settings.bucket, prefix))
      .map((key) => ({ key, name: key.slice(prefix.length) }))
      .filter(({ name }) => BACKUP_ID_PATTERN.test(name))
      .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const found: (StoredBackup | undefined)[] = [];
    for (let i = 0; i < keys.length; i += HEAD_CONCURRENCY) {
      const batch = keys.slice(i, i + HEAD_CONCURRENCY);
      found.push(
        ...(await Promise.all(batch.map(({ key, name }) => describe(client, settings.bucket, key, name)))),
      );
    }
    return found.filter((b): b is StoredBackup => b !== undefined);
  } catch (err) {
    throw toObjectStoreError(err, `list backups under s3://${settings.bucket}/${prefix}`);
  }
}
