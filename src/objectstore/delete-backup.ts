// Deletes one stored backup by name, for the retention policy; deleting a backup that is already gone succeeds.
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { objectKey, type ObjectStoreSettings } from './object-store-client.ts';
import { toObjectStoreError } from './object-store-errors.ts';

export async function deleteBackup(
  client: S3Client,
  settings: ObjectStoreSettings,
  name: string,
): Promise<void> {
  const key = objectKey(settings, name);
  try {
    await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }));
  } catch (err) {
    throw toObjectStoreError(err, `delete s3://${settings.bucket}/${key}`);
  }
}
