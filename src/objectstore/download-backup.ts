// Downloads one backup object straight to a local path as a stream: the bytes go to a temporary name beside the
// target, are fsynced, and are renamed into place only when their SHA-256 matches the object's metadata, so the
// target path never holds a partial or corrupt backup.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseBackupMetadata, type BackupMetadata } from './backup-metadata.ts';
import { createHashingStream } from './hashing-stream.ts';
import { objectKey, type ObjectStoreSettings } from './object-store-client.ts';
import { ObjectStoreError, toObjectStoreError } from './object-store-errors.ts';

export interface DownloadBackupInput {
  name: string;
  /** the file to create; its directory must exist */
  target: string;
  signal?: AbortSignal;
}

export interface DownloadedBackup {
  key: string;
  metadata: BackupMetadata;
}

/** fsyncPath flushes a file's or a directory's data to disk; fsync applies to the inode, whichever fd asks. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeVerified(
  body: Readable,
  temp: string,
  metadata: Pick<BackupMetadata, 'sha256' | 'size'>,
  key: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const verifier = createHashingStream((seen) =>
    seen.sha256 === metadata.sha256 && (!Number.isFinite(metadata.size) || seen.size === metadata.size)
      ? undefined
      : new ObjectStoreError(
          'OBJECT_SHA256_MISMATCH',
          `${key}: downloaded ${seen.size} bytes with SHA-256 ${seen.sha256}, metadata says ${metadata.size} bytes ${metadata.sha256}`,
        ),
  );
  await pipeline(
    body,
    verifier,
    createWriteStream(temp, { flags: 'wx' }),
    signal === undefined ? {} : { signal },
  );
  await fsyncPath(temp);
}

/**
 * storeVerified writes a backup's bytes to a temporary name beside the target and renames it into place only when
 * their SHA-256 and size match the metadata; on any failure the temporary file is removed.
 */
export async function storeVerified(
  body: Readable,
  target: string,
  metadata: Pick<BackupMetadata, 'sha256' | 'size'>,
  label: string,
  signal?: AbortSignal,
): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.download-${randomUUID().slice(0, 8)}`);
  try {
    await writeVerified(body, temp, metadata, label, signal);
    await rename(temp, target);
    await fsyncPath(dirname(target));
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export async function downloadBackup(
  client: S3Client,
  settings: ObjectStoreSettings,
  input: DownloadBackupInput,
): Promise<DownloadedBackup> {
  const key = objectKey(settings, input.name);
  try {
    const object = await client.send(
      new GetObjectCommand({ Bucket: settings.bucket, Key: key }),
      input.signal === undefined ? {} : { abortSignal: input.signal },
    );
    const body = object.Body as Readable | undefined;
    const metadata = parseBackupMetadata(object.Metadata);
    if (metadata === undefined || body === undefined) {
      body?.destroy();
      throw new ObjectStoreError('OBJECT_METADATA_MISSING', `${key} has no sha256 metadata`);
    }
    await storeVerified(body, input.target, metadata, key, input.signal);
    return { key, metadata };
  } catch (err) {
    if (input.signal?.aborted) throw input.signal.reason;
    throw toObjectStoreError(err, `download s3://${settings.bucket}/${key} to ${input.target}`);
  }
}
