// A PUT whose answer was lost (a reset mid-body) is settled by a HEAD of its key: our bytes there are a success,
// another object is OBJECT_ALREADY_EXISTS, a refusal of the HEAD is that refusal, and an absent key keeps the reset.
import type { S3Client } from '@aws-sdk/client-s3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildBackupMetadata } from '../../../src/objectstore/backup-metadata.ts';
import { confirmUpload } from '../../../src/objectstore/confirm-upload.ts';
import { ObjectStoreError } from '../../../src/objectstore/object-store-errors.ts';

const TARGET = { bucket: 'b', key: 'ns/c/scheduler-backup-2026-12-06-04-00' };
const OURS = { sha256: 'a'.repeat(64), size: 1234 };
const RESET = new ObjectStoreError('OBJECT_STORE_UNREACHABLE', 'upload: TimeoutError: write ECONNRESET');

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/** a client whose only call is a HEAD answered by `head`, counting the calls */
function headClient(head: () => Promise<unknown>): S3Client & { calls: number } {
  const client = { calls: 0, send: () => (client.calls++, head()) };
  return client as unknown as S3Client & { calls: number };
}

const described = {
  snapshotTime: '2026-12-06T04:00:00.000Z',
  taskCount: 3,
  cluster: 'c',
  auroraVersion: '0.22.0',
};

test('our bytes under the key: the PUT landed and only its answer was lost', async () => {
  const client = headClient(async () => ({ Metadata: buildBackupMetadata({ ...described, ...OURS }) }));
  assert.is(await confirmUpload(client, TARGET, OURS, RESET), 'stored');
});

test('another object under the key is OBJECT_ALREADY_EXISTS (the conditional write refused us)', async () => {
  const other = { sha256: 'b'.repeat(64), size: 1234 };
  const client = headClient(async () => ({ Metadata: buildBackupMetadata({ ...described, ...other }) }));
  const outcome = await confirmUpload(client, TARGET, OURS, RESET);
  assert.instance(outcome, ObjectStoreError);
  assert.is((outcome as ObjectStoreError).code, 'OBJECT_ALREADY_EXISTS');
  assert.match((outcome as ObjectStoreError).message, /b{64}/);
});

test('a HEAD refused with 403 is OBJECT_STORE_FORBIDDEN, not a reset to retry', async () => {
  const outcome = await confirmUpload(
    headClient(() => Promise.reject(s3Error('Forbidden', 403))),
    TARGET,
    OURS,
    RESET,
  );
  assert.is((outcome as ObjectStoreError).code, 'OBJECT_STORE_FORBIDDEN');
});

test('no object, or a store still unreachable: the reset stands', async () => {
  for (const answer of [s3Error('NotFound', 404), Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]) {
    assert.is(
      await confirmUpload(
        headClient(() => Promise.reject(answer)),
        TARGET,
        OURS,
        RESET,
      ),
      RESET,
    );
  }
});

test('a failure that is not a lost answer is not looked into', async () => {
  const client = headClient(async () => ({}));
  const forbidden = new ObjectStoreError('OBJECT_STORE_FORBIDDEN', 'upload: 403');
  assert.is(await confirmUpload(client, TARGET, OURS, forbidden), forbidden);
  assert.is(client.calls, 0);
});

test.run();
