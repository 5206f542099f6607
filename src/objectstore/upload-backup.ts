// Ships one local backup file to the object store, streamed, with its SHA-256 in the object's metadata.
//
// Consistency rule: an object at a final backup key is always complete and its sha256 metadata true. S3 metadata
// must be sent when the upload starts, so the file is hashed first (by the caller's earlier read, or a streaming
// pass here); the upload itself hashes again and fails the body stream before its last bytes if they differ.
// A backup up to SINGLE_PUT_MAX_BYTES goes as one streamed PutObject that also carries the SHA-256 as
// x-amz-checksum-sha256, so the store itself refuses bytes that differ (BadDigest); a PUT cut short creates nothing.
// A larger one goes as a multipart upload, aborted before CompleteMultipartUpload when anything fails; a process
// killed mid-way leaves only an unfinished multipart upload, which no listing shows and abortStaleUploads removes.
// The final write is conditional (If-None-Match: *): a backup name always means the same snapshot, so when two
// replicas ship the same backup the second gets OBJECT_ALREADY_EXISTS and the first object stays as it was.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { confirmUpload } from './confirm-upload.ts';
import { buildBackupMetadata, type BackupDescription } from './backup-metadata.ts';
import { createHashingStream, sha256OfFile, type Digest } from './hashing-stream.ts';
import { objectKey, type ObjectStoreSettings } from './object-store-client.ts';
import { ObjectStoreError, toObjectStoreError } from './object-store-errors.ts';

/** 8 MiB parts, two in flight: memory stays near 16 MiB of buffers whatever the backup's size. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;
/**
 * a single streamed PUT copies no part buffers and leaves the store no parts to join (twice the multipart rate to
 * versitygw on loopback); above 1 GiB a failure late in one request would cost too much to send again
 */
export const SINGLE_PUT_MAX_BYTES = 1024 * 1024 * 1024;

export interface UploadBackupInput {
  file: string;
  /** the backup's name, e.g. scheduler-backup-2026-12-06-04-00; the object key is the prefix plus this name */
  name: string;
  description: BackupDescription;
  /** the file's SHA-256 and size when a read of it already computed them; absent: a first pass hashes it */
  digest?: Digest;
  signal?: AbortSignal;
  /** larger files go multipart; SINGLE_PUT_MAX_BYTES unless a test wants the multipart path for a small file */
  singlePutMaxBytes?: number;
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
  // the body's own failure (the file, the verifier, the caller's abort) ends the request and is the error reported
  const bodyFailed = new AbortController();
  const body = pipeline(createReadStream(input.file), verifier, (err) => {
    if (err) bodyFailed.abort(err);
  });
  const onAbort = (): void => {
    body.destroy(input.signal?.reason instanceof Error ? input.signal.reason : new Error('upload aborted'));
  };
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const params: PutObjectCommandInput = {
    Bucket: settings.bucket,
    Key: key,
    Body: body,
    ContentLength: expected.size,
    ContentType: 'application/octet-stream',
    IfNoneMatch: '*',
    Metadata: buildBackupMetadata({ ...input.description, ...expected }),
    ...sseParams(settings),
  };
  try {
    input.signal?.throwIfAborted();
    if (expected.size <= (input.singlePutMaxBytes ?? SINGLE_PUT_MAX_BYTES)) {
      const checksum = Buffer.from(expected.sha256, 'hex').toString('base64');
      await client.send(new PutObjectCommand({ ...params, ChecksumSHA256: checksum }), {
        abortSignal: bodyFailed.signal,
      });
    } else {
      await new Upload({
        client,
        queueSize: QUEUE_SIZE,
        partSize: PART_SIZE,
        leavePartsOnError: false,
        params,
      }).done();
    }
    return { key, ...expected };
  } catch (err) {
    if (input.signal?.aborted) throw input.signal.reason;
    if (!bodyFailed.signal.aborted) {
      const failure = toObjectStoreError(err, `upload ${input.file} to s3://${settings.bucket}/${key}`);
      const outcome = await confirmUpload(client, { bucket: settings.bucket, key }, expected, failure);
      if (outcome === 'stored') return { key, ...expected };
      throw outcome;
    }
    throw toObjectStoreError(
      bodyFailed.signal.reason,
      `upload ${input.file} to s3://${settings.bucket}/${key}`,
    );
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
    body.destroy();
  }
}
