// A real S3 gateway (versitygw on loopback, no Kubernetes) behind the two ways a backup's bytes are vouched for
// without a second read: an upload handed the digest of an earlier read verifies it, and a link the operator signs
// lets an agent with no keys download exactly that object (SHA-256 checked), while a tampered link is refused.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchLinkedBackup } from '../../src/agent/fetch-link.ts';
import { linkBackup } from '../../src/objectstore/backup-link.ts';
import { listBackups } from '../../src/objectstore/list-backups.ts';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../src/objectstore/object-store-client.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../../src/objectstore/object-store-errors.ts';
import { uploadBackup } from '../../src/objectstore/upload-backup.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MiB = 1024 * 1024;
const DESCRIPTION = {
  snapshotTime: '2026-12-06T04:00:00.000Z',
  taskCount: 3,
  cluster: 'c2',
  auroraVersion: '0.22.0',
};
const name = (minute: number): string => `scheduler-backup-2026-12-06-05-${String(minute).padStart(2, '0')}`;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

interface Ctx {
  dir: string;
  store: ObjectStoreServer;
  settings: ObjectStoreSettings;
}
const test = suite<Ctx>('object-store-links');

async function code(promise: Promise<unknown>): Promise<ObjectStoreCode> {
  const err = await promise.then(
    () => assert.unreachable('expected a store error'),
    (e: unknown) => e,
  );
  assert.instance(err, ObjectStoreError);
  return (err as ObjectStoreError).code;
}

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'object-store-links-'));
  await mkdir(join(ctx.dir, 'volume'));
  ctx.store = await startObjectStore({ dir: join(ctx.dir, 'store'), repoRoot: REPO_ROOT });
  ctx.settings = objectStoreSettings(ctx.store, 'other-ns/c2/');
});

test.after(async (ctx) => {
  await ctx.store.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

test('an upload handed an earlier digest verifies it: a file changed since is OBJECT_SOURCE_CHANGED', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const bytes = randomBytes(3 * MiB);
  const file = join(ctx.dir, 'changed-since');
  await writeFile(file, bytes);
  const input = { file, name: name(0), description: DESCRIPTION };
  // the file is replaced between the read that hashed it and the upload (a backup of the same minute)
  const stale = { sha256: sha256(bytes), size: bytes.length };
  const replaced = Buffer.concat([bytes.subarray(0, MiB), Buffer.alloc(2 * MiB, 7)]);
  await writeFile(file, replaced);
  assert.is(
    await code(uploadBackup(client, ctx.settings, { ...input, digest: stale })),
    'OBJECT_SOURCE_CHANGED',
  );
  assert.equal(await listBackups(client, ctx.settings), []);
  const digest = { sha256: sha256(replaced), size: replaced.length };
  assert.is((await uploadBackup(client, ctx.settings, { ...input, digest })).sha256, digest.sha256);
  const listed = await listBackups(client, ctx.settings);
  assert.equal(
    listed.map((b) => [b.name, b.metadata.sha256]),
    [[name(0), digest.sha256]],
  );
  client.destroy();
});

test('latest resolves to the newest object, and an agent with no keys downloads it through the link', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const newer = randomBytes(2 * MiB + 5);
  await writeFile(join(ctx.dir, 'newer'), newer);
  await uploadBackup(client, ctx.settings, {
    file: join(ctx.dir, 'newer'),
    name: name(1),
    description: DESCRIPTION,
  });
  const link = await linkBackup(client, ctx.settings, 'latest');
  assert.is(link.name, name(1));
  assert.is(link.metadata.sha256, sha256(newer));
  assert.match(link.url, /X-Amz-Signature=/);
  assert.not.match(link.url, new RegExp(ctx.store.secretAccessKey));
  const volume = join(ctx.dir, 'volume');
  const request = { url: link.url, sha256: link.metadata.sha256, size: link.metadata.size };
  const fetched = await fetchLinkedBackup(volume, link.name, request);
  assert.equal(fetched, { name: name(1), size: newer.length, sha256: sha256(newer), fetched: true });
  assert.ok((await readFile(join(volume, name(1)))).equals(newer));
  // again: the file is there with those bytes, nothing is downloaded
  assert.is((await fetchLinkedBackup(volume, link.name, request)) && existsSync(join(volume, name(1))), true);
  client.destroy();
});

test('a tampered link is refused (OBJECT_STORE_FORBIDDEN), wrong digests are unreadable, and nothing is left', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const link = await linkBackup(client, ctx.settings, name(0));
  const volume = join(ctx.dir, 'volume');
  const request = { url: link.url, sha256: link.metadata.sha256, size: link.metadata.size };
  const tampered = {
    ...request,
    url: link.url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'),
  };
  assert.is(await code(fetchLinkedBackup(volume, name(0), tampered)), 'OBJECT_STORE_FORBIDDEN');
  const wrong = { ...request, sha256: 'ab'.repeat(32) };
  assert.is(await code(fetchLinkedBackup(volume, name(0), wrong)), 'OBJECT_SHA256_MISMATCH');
  assert.equal(
    (await readdir(volume)).filter((f) => f !== name(1)),
    [],
    'no partial or temporary file',
  );
  assert.is(await code(linkBackup(client, ctx.settings, name(9))), 'OBJECT_NOT_FOUND');
  const wrongKeys = {
    ...ctx.settings,
    credentials: { accessKeyId: ctx.store.accessKeyId, secretAccessKey: 'wrong' },
  };
  const refused = createObjectStoreClient(wrongKeys);
  assert.is(await code(linkBackup(refused, wrongKeys, 'latest')), 'OBJECT_STORE_FORBIDDEN');
  refused.destroy();
  client.destroy();
});

test.run();
