// The startup sweep: multipart uploads left under the prefix by a crashed or killed uploader are aborted, so their
// parts stop costing storage; uploads younger than `olderThanMs` may belong to a live uploader and are left alone.
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { normalizedPrefix, type ObjectStoreSettings } from './object-store-client.ts';
import { toObjectStoreError } from './object-store-errors.ts';

export interface StaleUploadSweep {
  olderThanMs: number;
  now: Date;
}

/** abortStaleUploads returns the keys whose unfinished uploads it aborted. */
export async function abortStaleUploads(
  client: S3Client,
  settings: ObjectStoreSettings,
  sweep: StaleUploadSweep,
): Promise<string[]> {
  const prefix = normalizedPrefix(settings.prefix);
  const aborted: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListMultipartUploadsCommand({
          Bucket: settings.bucket,
          Prefix: prefix,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
        }),
      );
      for (const upload of page.Uploads ?? []) {
        const started = upload.Initiated?.getTime() ?? 0;
        if (upload.Key === undefined || upload.UploadId === undefined) continue;
        if (sweep.now.getTime() - started < sweep.olderThanMs) continue;
        await client.send(
          new AbortMultipartUploadCommand({
            Bucket: settings.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
        aborted.push(upload.Key);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker !== undefined);
  } catch (err) {
    throw toObjectStoreError(err, `sweep unfinished uploads under s3://${settings.bucket}/${prefix}`);
  }
  return aborted;
}
