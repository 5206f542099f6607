// Ships one local backup file to the object store as a streamed multipart upload whose metadata carries its SHA-256.
//
// Consistency rule: an object at a final backup key is always complete and its sha256 metadata true. S3 metadata
// must be sent when the upload starts, so the file is hashed first (by the caller's earlier read, or a streaming
// pass here); the upload itself hashes again and fails the body stream before its end if the bytes differ, which
// aborts the multipart upload before CompleteMultipartUpload (or the single PutObject) can make an object appear.
// A process killed mid-upload leaves only an unfinished multipart upload, which no listing shows and
// abortStaleUploads removes.
// The final write is conditional (If-None-Match: *): a backup name always means the same snapshot, so when two
// replicas ship the same backup the second gets OBJECT_ALREADY_EXISTS and the first object stays as it was.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { buildBackupMetadata, type BackupDescription } from './backup-metadata.ts';
import { createHashingStream, sha256OfFile, type Digest } from './hashing-stream.ts';
import { objectKey, type ObjectStoreSettings } from './object-store-client.ts';
import { ObjectStoreError, toObjectStoreError } from './object-store-errors.ts';

/** 8 MiB parts, two in flight: memory stays near 16 MiB of buffers whatever the backup's size. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;

export interface UploadBackupInput {
  file: string;
  /** the backup's name, e.g. scheduler-backup-2026-12-06-04-00; the object key is the prefix plus this name */
  name: string;
  description: BackupDescription;
  /** the file's SHA-256 and size when a read of it already computed them; absent: a first pass hashes it */
  digest?: Digest;
  signal?: AbortSignal;
}

export interface UploadedBackup extends Digest {
  key: string;
}

function sseParams(settings: ObjectStoreSettings): Record<string, string> {
  const sse = settings.encryption;
  if (sse === undefined) return {};
  return {
    ServerSideEncryption: sse.type,
    ...(sse.type === 'aws:kms' && sse.kmsKeyId !== undefined ? { SSEKMSKeyId: sse.kmsKeyId } : {}),
  };
}

export async function uploadBackup(
  client: S3Client,
  settings: ObjectStoreSettings,
  input: UploadBackupInput,
): Promise<UploadedBackup> {
  const key = objectKey(settings, input.name);
  const expected =
    input.digest ??
    (await sha256OfFile(input.file, input.signal).catch((err: unknown) => {
      if (input.signal?.aborted) throw input.signal.reason;
      throw err;
    }));
  const verifier = createHashingStream((seen) =>
    seen.sha256 === expected.sha256 && seen.size === expected.size
      ? undefined
      : new ObjectStoreError(
          'OBJECT_SOURCE_CHANGED',
          `${input.file} changed while ${key} was being uploaded`,
        ),
  );
  // a failure of the file or of the verifier fails the body, which makes the Upload abort its multipart upload
  const body = pipeline(createReadStream(input.file), verifier, () => {});
  const onAbort = (): void => {
    body.destroy(input.signal?.reason instanceof Error ? input.signal.reason : new Error('upload aborted'));
  };
  input.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    input.signal?.throwIfAborted();
    const upload = new Upload({
      client,
      queueSize: QUEUE_SIZE,
      partSize: PART_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: settings.bucket,
        Key: key,
        Body: body,
        ContentLength: expected.size,
        ContentType: 'application/octet-stream',
        IfNoneMatch: '*',
        Metadata: buildBackupMetadata({ ...input.description, ...expected }),
        ...sseParams(settings),
      },
    });
    await upload.done();
    return { key, ...expected };
  } catch (err) {
    if (input.signal?.aborted) throw input.signal.reason;
    throw toObjectStoreError(err, `upload ${input.file} to s3://${settings.bucket}/${key}`);
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
    body.destroy();
  }
}
