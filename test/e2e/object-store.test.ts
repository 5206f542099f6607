// The object-store module against a real S3 gateway (versitygw on loopback, no Kubernetes): round trip with a true
// SHA-256 in the metadata, and each fault of the store gives its code and leaves no complete-looking object or
// partial file. What an upload cut short leaves is object-store-uploads.test.ts.
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { downloadBackup } from '../../src/objectstore/download-backup.ts';
import { listBackups } from '../../src/objectstore/list-backups.ts';
import { createObjectStoreClient } from '../../src/objectstore/object-store-client.ts';
import { uploadBackup } from '../../src/objectstore/upload-backup.ts';
import { ensureCerts } from '../world/local-env/certs.ts';
import { findFreePort } from '../world/local-env/free-port.ts';
import { objectStoreSettings, startObjectStore } from '../world/local-env/object-store.ts';
import {
  backupName,
  type Ctx,
  DESCRIPTION,
  MiB,
  MULTIPART,
  REPO_ROOT,
  objectExists,
  pipeBody,
  rejectsWith,
  sha256,
  startStore,
  stopStore,
  unfinishedUploads,
  writeRandom,
} from './object-store-harness.ts';

const test = suite<Ctx>('object-store');

test.before(startStore);
test.after(stopStore);

test('a multipart and a single-PUT backup round-trip with a true SHA-256 in their metadata', async (ctx) => {
  const big = await writeRandom(ctx, 'big', 12 * MiB + 321);
  const small = await writeRandom(ctx, 'small', 1 * MiB);
  const up = await uploadBackup(ctx.client, ctx.settings, {
    file: big.path,
    name: backupName(0),
    description: DESCRIPTION,
    ...MULTIPART,
  });
  assert.is(up.sha256, sha256(big.bytes));
  assert.is(up.key, `e2e-ns/c1/${backupName(0)}`);
  assert.equal(await unfinishedUploads(ctx), []);
  await uploadBackup(ctx.client, ctx.settings, {
    file: small.path,
    name: backupName(5),
    description: DESCRIPTION,
  });
  // the single PUT carried the SHA-256 for the store to check, and the store kept it
  const head = await ctx.client.send(
    new HeadObjectCommand({
      Bucket: ctx.settings.bucket,
      Key: `e2e-ns/c1/${backupName(5)}`,
      ChecksumMode: 'ENABLED',
    }),
  );
  assert.is(head.ChecksumSHA256, Buffer.from(sha256(small.bytes), 'hex').toString('base64'));

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
        ...MULTIPART,
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

test('a PUT the store refuses before its body (exists, forbidden) keeps its code while the body is slow', async (ctx) => {
  const slowStart = (): Transform => {
    let first = true;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (!first) return callback(null, chunk);
        first = false;
        setTimeout(() => callback(null, chunk), 300);
      },
    });
  };
  const file = await writeRandom(ctx, 'slow-again', 1 * MiB);
  const wrong = {
    ...ctx.settings,
    credentials: { accessKeyId: ctx.store.accessKeyId, secretAccessKey: 'wrong' },
  };
  const clients = [createObjectStoreClient(ctx.settings), createObjectStoreClient(wrong)] as const;
  for (const client of clients) pipeBody(client, slowStart);
  try {
    // the first test shipped this name; the store answers 412 at once, and 403 to the wrong key
    await rejectsWith(
      uploadBackup(clients[0], ctx.settings, {
        file: file.path,
        name: backupName(5),
        description: DESCRIPTION,
      }),
      'OBJECT_ALREADY_EXISTS',
      false,
    );
    await rejectsWith(
      uploadBackup(clients[1], wrong, { file: file.path, name: backupName(6), description: DESCRIPTION }),
      'OBJECT_STORE_FORBIDDEN',
      false,
    );
  } finally {
    for (const client of clients) client.destroy();
  }
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
