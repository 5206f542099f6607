// What an upload cut short leaves in a real S3 gateway (versitygw on loopback): a single PUT or a multipart upload
// aborted, fed a changing file, damaged on the way, or its process killed mid-body never leaves an object that looks
// complete, and the startup sweep removes an unfinished multipart upload once it is old enough.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortStaleUploads } from '../../src/objectstore/abort-stale-uploads.ts';
import { listBackups } from '../../src/objectstore/list-backups.ts';
import { createObjectStoreClient } from '../../src/objectstore/object-store-client.ts';
import { uploadBackup } from '../../src/objectstore/upload-backup.ts';
import {
  backupName,
  type Ctx,
  DESCRIPTION,
  MiB,
  MULTIPART,
  objectExists,
  rejectsWith,
  startStore,
  stopStore,
  unfinishedUploads,
  writeRandom,
  holdPart,
  pipeBody,
  stallAfter,
} from './object-store-harness.ts';

const test = suite<Ctx>('object-store-uploads');

test.before(startStore);
test.after(stopStore);

test('a multipart upload aborted mid-way leaves no object and no unfinished upload', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const hold = holdPart(client, 2);
  const file = await writeRandom(ctx, 'aborted', 20 * MiB);
  const abort = new AbortController();
  const uploading = uploadBackup(client, ctx.settings, {
    file: file.path,
    name: backupName(30),
    description: DESCRIPTION,
    signal: abort.signal,
    ...MULTIPART,
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

test('a single PUT aborted mid-body leaves no object', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  let stalled: () => void = () => {};
  const reached = new Promise<void>((resolve) => (stalled = resolve));
  pipeBody(client, () => stallAfter(2 * MiB, stalled));
  const file = await writeRandom(ctx, 'aborted-put', 6 * MiB);
  const abort = new AbortController();
  const uploading = uploadBackup(client, ctx.settings, {
    file: file.path,
    name: backupName(32),
    description: DESCRIPTION,
    signal: abort.signal,
  });
  await reached;
  abort.abort(new Error('shutting down'));
  await uploading.then(
    () => assert.unreachable('the upload must fail'),
    (err: Error) => assert.match(err.message, /shutting down/),
  );
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(32)}`));
  assert.equal(await unfinishedUploads(ctx), []);
  client.destroy();
});

test('bytes damaged on the way to the store are refused by it (BadDigest): OBJECT_SOURCE_CHANGED, no object', async (ctx) => {
  const client = createObjectStoreClient(ctx.settings);
  const file = await writeRandom(ctx, 'damaged', 3 * MiB);
  // the agent's own check sees the true file; only what leaves it differs
  let flipped = false;
  pipeBody(
    client,
    () =>
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (!flipped && chunk.length > 0) {
            flipped = true;
            const copy = Buffer.from(chunk);
            copy[0] = (copy[0] ?? 0) ^ 0xff;
            return callback(null, copy);
          }
          callback(null, chunk);
        },
      }),
  );
  await rejectsWith(
    uploadBackup(client, ctx.settings, { file: file.path, name: backupName(33), description: DESCRIPTION }),
    'OBJECT_SOURCE_CHANGED',
    true,
  );
  assert.ok(flipped, 'a byte was damaged on the way');
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(33)}`));
  client.destroy();
});

for (const [path, first, minute] of [
  ['multipart', 'CreateMultipartUploadCommand', 31],
  ['single PUT', 'PutObjectCommand', 34],
] as const) {
  test(`a file that changes during its ${path} upload is OBJECT_SOURCE_CHANGED and no object appears`, async (ctx) => {
    const client = createObjectStoreClient(ctx.settings);
    const file = await writeRandom(ctx, `changing-${minute}`, 20 * MiB);
    // once the hash pass is over and the body's first chunks are read, rewrite a byte near the end not read yet
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === first) {
          const handle = await open(file.path, 'r+');
          await handle.write(Buffer.from([(file.bytes[19 * MiB] ?? 0) ^ 0xff]), 0, 1, 19 * MiB);
          await handle.close();
        }
        return next(args);
      },
      { step: 'initialize', name: 'change-source' },
    );
    await rejectsWith(
      uploadBackup(client, ctx.settings, {
        file: file.path,
        name: backupName(minute),
        description: DESCRIPTION,
        singlePutMaxBytes: path === 'multipart' ? MULTIPART.singlePutMaxBytes : 32 * MiB,
      }),
      'OBJECT_SOURCE_CHANGED',
      true,
    );
    assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(minute)}`));
    assert.equal(await unfinishedUploads(ctx), []);
    client.destroy();
  });
}

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
await uploadBackup(client, settings, { file, name, singlePutMaxBytes: 1024 * 1024, description: { snapshotTime: 'x', taskCount: 0, cluster: 'c1', auroraVersion: 'x' } });
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

/** a child process that sends 2 MiB of a single PUT's body, says so, and stalls, as a scheduler killed mid-upload */
const KILLED_PUTTER = `
import { Transform } from 'node:stream';
import { createObjectStoreClient } from ${JSON.stringify(new URL('../../src/objectstore/object-store-client.ts', import.meta.url).href)};
import { uploadBackup } from ${JSON.stringify(new URL('../../src/objectstore/upload-backup.ts', import.meta.url).href)};
const [settings, file, name] = JSON.parse(process.argv[1]);
const client = createObjectStoreClient(settings);
let seen = 0;
client.middlewareStack.add((next, context) => async (args) => {
  if (context.commandName === 'PutObjectCommand') args.request.body = args.request.body.pipe(new Transform({
    transform(chunk, _e, callback) {
      seen += chunk.length;
      if (seen <= 2 * 1024 * 1024) return callback(null, chunk);
      process.stdout.write('stalled\\n');
    },
  }));
  return next(args);
}, { step: 'build' });
await uploadBackup(client, settings, { file, name, description: { snapshotTime: 'x', taskCount: 0, cluster: 'c1', auroraVersion: 'x' } });
`;

test('a single-PUT uploader killed mid-body leaves no object and no unfinished upload', async (ctx) => {
  const file = await writeRandom(ctx, 'killed-put', 8 * MiB);
  const args = JSON.stringify([ctx.settings, file.path, backupName(41)]);
  const child = spawn(process.execPath, ['--input-type=module', '-e', KILLED_PUTTER, args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const stalled = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const early = exited.then(() => assert.unreachable('the child uploader exited before it stalled'));
    const timeout = sleep(30_000).then(() => assert.unreachable('the child never sent 2 MiB'));
    await Promise.race([stalled, early, timeout]);
    // the store has the first bytes of the body in hand
    await sleep(200);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  assert.not.ok(await objectExists(ctx, `e2e-ns/c1/${backupName(41)}`));
  assert.not.ok((await listBackups(ctx.client, ctx.settings)).some((b) => b.name === backupName(41)));
  assert.equal(await unfinishedUploads(ctx), []);
});

test.run();
