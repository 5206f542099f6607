// The object-store module against a real S3 gateway (versitygw on loopback, no Kubernetes): round trip with a true
// SHA-256 in the metadata, and each fault gives its code and leaves no complete-looking object or partial file.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type MultipartUpload,
  type S3Client,
} from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortStaleUploads } from '../../src/objectstore/abort-stale-uploads.ts';
import { downloadBackup } from '../../src/objectstore/download-backup.ts';
import { listBackups } from '../../src/objectstore/list-backups.ts';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../src/objectstore/object-store-client.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../../src/objectstore/object-store-errors.ts';
import { uploadBackup } from '../../src/objectstore/upload-backup.ts';
import { ensureCerts } from '../world/local-env/certs.ts';
import { findFreePort } from '../world/local-env/free-port.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MiB = 1024 * 1024;
const DESCRIPTION = {
  snapshotTime: '2026-12-06T04:00:00.000Z',
  taskCount: 12,
  cluster: 'c1',
  auroraVersion: '0.22.0',
};

interface Ctx {
  dir: string;
  store: ObjectStoreServer;
  settings: ObjectStoreSettings;
  client: S3Client;
}

const test = suite<Ctx>('object-store');

const backupName = (minute: number): string =>
  `scheduler-backup-2026-12-06-04-${String(minute).padStart(2, '0')}`;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function writeRandom(ctx: Ctx, name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const path = join(ctx.dir, 'files', name);
  await writeFile(path, bytes);
  return { path, bytes };
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: ObjectStoreCode,
  transient: boolean,
): Promise<void> {
  const err = await promise.then(
    () => assert.unreachable(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.instance(err, ObjectStoreError);
  assert.is((err as ObjectStoreError).code, code, (err as Error).message);
  assert.is((err as ObjectStoreError).transient, transient);
}

async function objectExists(ctx: Ctx, key: string): Promise<boolean> {
  return ctx.client.send(new HeadObjectCommand({ Bucket: ctx.settings.bucket, Key: key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );
}

async function unfinishedUploads(ctx: Ctx): Promise<MultipartUpload[]> {
  const page = await ctx.client.send(
    new ListMultipartUploadsCommand({ Bucket: ctx.settings.bucket, Prefix: ctx.settings.prefix }),
  );
  return page.Uploads ?? [];
}

/** holdPart stalls UploadPart number `part` of this client until the returned release is called. */
function holdPart(client: S3Client, part: number): { reached: Promise<void>; release(err: Error): void } {
  let release: (err: Error) => void = () => {};
  let reached: () => void = () => {};
  const gate = new Promise<never>((_, reject) => (release = reject));
  gate.catch(() => {});
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PartNumber?: number };
      if (context.commandName === 'UploadPartCommand' && input.PartNumber === part) {
        reached();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name: `hold-part-${part}` },
  );
  return { reached: reachedPromise, release };
}

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'object-store-e2e-'));
  await mkdir(join(ctx.dir, 'files'));
  await mkdir(join(ctx.dir, 'restore'));
  ctx.store = await startObjectStore({ dir: join(ctx.dir, 'store'), repoRoot: REPO_ROOT });
  ctx.settings = objectStoreSettings(ctx.store, 'e2e-ns/c1/');
  ctx.client = createObjectStoreClient(ctx.settings);
});

test.after(async (ctx) => {
  ctx.client.destroy();
  await ctx.store.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

test('a multipart and a single-part backup round-trip with a true SHA-256 in their metadata', async (ctx) => {
  const big = await writeRandom(ctx, 'big', 12 * MiB + 321);
  const small = await writeRandom(ctx, 'small', 1 * MiB);
  const up = await uploadBackup(ctx.client, ctx.settings, {
    file: big.path,
    name: backupName(0),
    description: DESCRIPTION,
  });
  assert.is(up.sha256, sha256(big.bytes));
  assert.is(up.key, `e2e-ns/c1/${backupName(0)}`);
  await uploadBackup(ctx.client, ctx.settings, {
    file: small.path,
    name: backupName(5),
    description: DESCRIPTION,
  });

  const listed = await listBackups(ctx.client, ctx.settings);
  assert.equal(
    listed.map((b) => b.name),
    [backupName(5), backupName(0)],
  );
  assert.equal(listed[1]?.metadata, { ...DESCRIPTION, sha256: sha256(big.bytes), size: big.bytes.length });
  assert.is(listed[0]?.metadata.sha256, sha256(small.bytes));

  const target = join(ctx.dir, 'restore', backupName(0));
  const down = await downloadBackup(ctx.client, ctx.settings, { name: backupName(0), target });
  assert.is(down.metadata.sha256, sha256(big.bytes));
  assert.ok((await readFile(target)).equals(big.bytes));
  assert.equal(await readdir(join(ctx.dir, 'restore')), [backupName(0)]);
});

test('a backup already shipped is never replaced: the second upload is OBJECT_ALREADY_EXISTS', async (ctx) => {
  for (const [minute, size] of [
    [0, 12 * MiB + 321],
    [5, 1 * MiB],
  ] as const) {
    const other = await writeRandom(ctx, `again-${minute}`, size);
    const before = (await listBackups(ctx.client, ctx.settings)).find((b) => b.name === backupName(minute));
    assert.ok(before, `${backupName(minute)} was shipped by the first test`);
    await rejectsWith(
      uploadBackup(ctx.client, ctx.settings, {
        file: other.path,
        name: backupName(minute),
        description: DESCRIPTION,
      }),
      'OBJECT_ALREADY_EXISTS',
      false,
    );
    const after = (await listBackups(ctx.client, ctx.settings)).find((b) => b.name === backupName(minute));
    assert.is(after?.metadata.sha256, before.metadata.sha256);
    assert.is.not(after?.metadata.sha256, sha256(other.bytes));
  }
  assert.equal(await unfinishedUploads(ctx), []);
});

test('a wrong secret is OBJECT_STORE_FORBIDDEN for list, upload and download, and leaves no file', async (ctx) => {
  const settings = {
    ...ctx.settings,
    credentials: { accessKeyId: ctx.store.accessKeyId, secretAccessKey: 'wrong' },
  };
  const client = createObjectStoreClient(settings);
  const file = await writeRandom(ctx, 'forbidden', 1000);
  const target = join(ctx.dir, 'restore', 'forbidden');
  await rejectsWith(listBackups(client, settings), 'OBJECT_STORE_FORBIDDEN', false);
  await rejectsWith(
    uploadBackup(client, settings, { file: file.path, name: backupName(10), description: DESCRIPTION }),
    'OBJECT_STORE_FORBIDDEN',
    false,
  );
  await rejectsWith(
    downloadBackup(client, settings, { name: backupName(0), target }),
    'OBJECT_STORE_FORBIDDEN',
    false,
  );
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(10)}`));
  assert.not.ok((await readdir(join(ctx.dir, 'restore'))).some((f) => f.includes('forbidden')));
  client.destroy();
});

test('a missing bucket is OBJECT_STORE_NO_SUCH_BUCKET; a missing name is OBJECT_NOT_FOUND', async (ctx) => {
  const settings = { ...ctx.settings, bucket: 'no-such-bucket' };
  const client = createObjectStoreClient(settings);
  const file = await writeRandom(ctx, 'nobucket', 1000);
  const target = join(ctx.dir, 'restore', 'missing');
  await rejectsWith(listBackups(client, settings), 'OBJECT_STORE_NO_SUCH_BUCKET', false);
  await rejectsWith(
    uploadBackup(client, settings, { file: file.path, name: backupName(11), description: DESCRIPTION }),
    'OBJECT_STORE_NO_SUCH_BUCKET',
    false,
  );
  await rejectsWith(
    downloadBackup(client, settings, { name: backupName(0), target }),
    'OBJECT_STORE_NO_SUCH_BUCKET',
    false,
  );
  await rejectsWith(
    downloadBackup(ctx.client, ctx.settings, { name: backupName(59), target }),
    'OBJECT_NOT_FOUND',
    false,
  );
  assert.not.ok(existsSync(target));
  client.destroy();
});

test('bytes corrupted in the store give OBJECT_SHA256_MISMATCH and nothing at the target path', async (ctx) => {
  const file = await writeRandom(ctx, 'corrupt', 3 * MiB);
  await uploadBackup(ctx.client, ctx.settings, {
    file: file.path,
    name: backupName(20),
    description: DESCRIPTION,
  });
  // flip one byte of the object in versitygw's POSIX root, in place, so its metadata (xattrs) stays
  const stored = join(ctx.store.rootDir, ctx.store.bucket, 'e2e-ns', 'c1', backupName(20));
  const handle = await open(stored, 'r+');
  await handle.write(Buffer.from([(file.bytes[MiB] ?? 0) ^ 0xff]), 0, 1, MiB);
  await handle.close();

  const target = join(ctx.dir, 'restore', backupName(20));
  await rejectsWith(
    downloadBackup(ctx.client, ctx.settings, { name: backupName(20), target }),
    'OBJECT_SHA256_MISMATCH',
    false,
  );
  assert.not.ok(existsSync(target));
  assert.not.ok((await readdir(join(ctx.dir, 'restore'))).some((f) => f.includes(backupName(20))));
});

test('an upload aborted mid-way leaves no object and no unfinished upload', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const hold = holdPart(client, 2);
  const file = await writeRandom(ctx, 'aborted', 20 * MiB);
  const abort = new AbortController();
  const uploading = uploadBackup(client, ctx.settings, {
    file: file.path,
    name: backupName(30),
    description: DESCRIPTION,
    signal: abort.signal,
  });
  await hold.reached;
  assert.is((await unfinishedUploads(ctx)).length, 1, 'the multipart upload is under way');
  abort.abort(new Error('shutting down'));
  hold.release(new Error('connection lost'));
  await uploading.then(
    () => assert.unreachable('the upload must fail'),
    (err: Error) => assert.match(err.message, /shutting down/),
  );
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(30)}`));
  assert.equal(await unfinishedUploads(ctx), []);
  client.destroy();
});

test('a file that changes during its upload is OBJECT_SOURCE_CHANGED and no object appears', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const file = await writeRandom(ctx, 'changing', 20 * MiB);
  // once the hash pass is over and part 1 is read, rewrite a byte near the end that the upload has not read yet
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'CreateMultipartUploadCommand') {
        const handle = await open(file.path, 'r+');
        await handle.write(Buffer.from([(file.bytes[19 * MiB] ?? 0) ^ 0xff]), 0, 1, 19 * MiB);
        await handle.close();
      }
      return next(args);
    },
    { step: 'initialize', name: 'change-source' },
  );
  await rejectsWith(
    uploadBackup(client, ctx.settings, { file: file.path, name: backupName(31), description: DESCRIPTION }),
    'OBJECT_SOURCE_CHANGED',
    true,
  );
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(31)}`));
  assert.equal(await unfinishedUploads(ctx), []);
  client.destroy();
});

/** a child process that uploads `file` and stalls forever before part 2, as a scheduler killed mid-upload */
const KILLED_UPLOADER = `
import { createObjectStoreClient } from ${JSON.stringify(new URL('../../src/objectstore/object-store-client.ts', import.meta.url).href)};
import { uploadBackup } from ${JSON.stringify(new URL('../../src/objectstore/upload-backup.ts', import.meta.url).href)};
const [settings, file, name] = JSON.parse(process.argv[1]);
const client = createObjectStoreClient(settings);
client.middlewareStack.add((next, context) => async (args) => {
  if (context.commandName === 'UploadPartCommand' && args.input.PartNumber === 2) await new Promise(() => setInterval(() => {}, 1000));
  return next(args);
}, { step: 'initialize' });
await uploadBackup(client, settings, { file, name, description: { snapshotTime: 'x', taskCount: 0, cluster: 'c1', auroraVersion: 'x' } });
`;

test('an uploader killed mid-upload leaves no object; the sweep aborts its upload once it is old enough', async (ctx) => {
  const file = await writeRandom(ctx, 'killed', 20 * MiB);
  const args = JSON.stringify([ctx.settings, file.path, backupName(40)]);
  const child = spawn(process.execPath, ['--input-type=module', '-e', KILLED_UPLOADER, args], {
    stdio: 'inherit',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 30_000;
    let parts = 0;
    while (parts === 0) {
      assert.ok(Date.now() < deadline, 'the child never uploaded part 1');
      assert.is(child.exitCode, null, 'the child uploader exited early');
      const upload = (await unfinishedUploads(ctx))[0];
      if (upload?.Key !== undefined && upload.UploadId !== undefined) {
        const listed = await ctx.client.send(
          new ListPartsCommand({ Bucket: ctx.settings.bucket, Key: upload.Key, UploadId: upload.UploadId }),
        );
        parts = listed.Parts?.length ?? 0;
      }
      if (parts === 0) await sleep(100);
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(40)}`));
  assert.not.ok((await listBackups(ctx.client, ctx.settings)).some((b) => b.name === backupName(40)));
  assert.is((await unfinishedUploads(ctx)).length, 1);

  // an upload younger than the threshold may be a live uploader's: left alone
  assert.equal(
    await abortStaleUploads(ctx.client, ctx.settings, { olderThanMs: 3600_000, now: new Date() }),
    [],
  );
  assert.is((await unfinishedUploads(ctx)).length, 1);
  const later = new Date(Date.now() + 2 * 3600_000);
  assert.equal(await abortStaleUploads(ctx.client, ctx.settings, { olderThanMs: 3600_000, now: later }), [
    `e2e-ns/c1/${backupName(40)}`,
  ]);
  assert.equal(await unfinishedUploads(ctx), []);
});

test('a store whose certificate the client does not trust is OBJECT_STORE_TLS; caBundle makes it trusted', async (ctx) => {
  await mkdir(join(ctx.dir, 'pki'));
  await mkdir(join(ctx.dir, 'other-pki'));
  const certs = ensureCerts(join(ctx.dir, 'pki'));
  const other = ensureCerts(join(ctx.dir, 'other-pki'));
  const store = await startObjectStore({
    dir: join(ctx.dir, 'tls-store'),
    repoRoot: REPO_ROOT,
    tls: { certFile: certs.servingCertFile, keyFile: certs.servingKeyFile, caFile: certs.caFile },
  });
  const trusted = objectStoreSettings(store, 'tls/');
  const { caBundle: _, ...untrusted } = trusted;
  const wrongCa = { ...trusted, caBundle: await readFile(other.caFile, 'utf8') };
  const clients = [trusted, untrusted, wrongCa].map((s) => createObjectStoreClient(s, { maxAttempts: 1 }));
  try {
    assert.ok(trusted.endpoint?.startsWith('https://'));
    assert.equal(await listBackups(clients[0] as S3Client, trusted), []);
    await rejectsWith(listBackups(clients[1] as S3Client, untrusted), 'OBJECT_STORE_TLS', false);
    await rejectsWith(listBackups(clients[2] as S3Client, wrongCa), 'OBJECT_STORE_TLS', false);
  } finally {
    for (const client of clients) client.destroy();
    await store.stop();
  }
});

test('an endpoint that is down or never answers is OBJECT_STORE_UNREACHABLE (transient)', async (ctx) => {
  const down = { ...ctx.settings, endpoint: `http://127.0.0.1:${await findFreePort()}` };
  const downClient = createObjectStoreClient(down);
  await rejectsWith(listBackups(downClient, down), 'OBJECT_STORE_UNREACHABLE', true);
  downClient.destroy();

  // accepts connections and never answers
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const slow = { ...ctx.settings, endpoint: `http://127.0.0.1:${port}` };
  const slowClient = createObjectStoreClient(slow, { maxAttempts: 1, requestTimeoutMs: 500 });
  const target = join(ctx.dir, 'restore', 'slow');
  try {
    await rejectsWith(
      downloadBackup(slowClient, slow, { name: backupName(0), target }),
      'OBJECT_STORE_UNREACHABLE',
      true,
    );
    assert.not.ok(existsSync(target));
  } finally {
    slowClient.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test.run();
