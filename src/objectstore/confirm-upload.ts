// What a PUT whose answer was lost really did, from the store itself: a store that refuses a PUT before reading its
// body (it exists, the key is wrong) may close the connection mid-body, and the refusal then arrives as a reset.
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseBackupMetadata } from './backup-metadata.ts';
import type { Digest } from './hashing-stream.ts';
import { ObjectStoreError, toObjectStoreError } from './object-store-errors.ts';

export type UploadOutcome = 'stored' | ObjectStoreError;

/**
 * confirmUpload is the outcome of a PUT of `expected` to `key` that failed with `failure`: stored (our bytes are
 * there), OBJECT_ALREADY_EXISTS (another object holds the name), or what a HEAD of the key says is wrong; when the
 * key is simply absent the original failure stands.
 */
export async function confirmUpload(
  client: S3Client,
  target: { bucket: string; key: string },
  expected: Digest,
  failure: ObjectStoreError,
): Promise<UploadOutcome> {
  if (failure.code !== 'OBJECT_STORE_UNREACHABLE') return failure;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key }));
    const meta = parseBackupMetadata(head.Metadata);
    if (meta?.sha256 === expected.sha256 && meta.size === expected.size) return 'stored';
    return new ObjectStoreError(
      'OBJECT_ALREADY_EXISTS',
      `${target.key} already holds another object (SHA-256 ${meta?.sha256 ?? 'unknown'}); the upload's answer was lost`,
      { cause: failure },
    );
  } catch (err) {
    const seen = toObjectStoreError(err, `check s3://${target.bucket}/${target.key} after a lost answer`);
    return seen.code === 'OBJECT_NOT_FOUND' || seen.code === 'OBJECT_STORE_UNREACHABLE' ? failure : seen;
  }
}
