// The shared world of the object-store e2e files: a real S3 gateway (versitygw on loopback, no Kubernetes), random
// backup files, and the helpers that hold, cut or tamper with a request on its way to the store.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type MultipartUpload,
  type S3Client,
} from '@aws-sdk/client-s3';
import * as assert from 'uvu/assert';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../src/objectstore/object-store-client.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../../src/objectstore/object-store-errors.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MiB = 1024 * 1024;
/** files above this go multipart in the tests that need that path with a few MiB */
export const MULTIPART = { singlePutMaxBytes: 4 * MiB };
export const DESCRIPTION = {
  snapshotTime: '2026-12-06T04:00:00.000Z',
  taskCount: 12,
  cluster: 'c1',
  auroraVersion: '0.22.0',
};

export interface Ctx {
  dir: string;
  store: ObjectStoreServer;
  settings: ObjectStoreSettings;
  client: S3Client;
}

export const backupName = (minute: number): string =>
  `scheduler-backup-2026-12-06-04-${String(minute).padStart(2, '0')}`;
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export async function writeRandom(
  ctx: Ctx,
  name: string,
  size: number,
): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const path = join(ctx.dir, 'files', name);
  await writeFile(path, bytes);
  return { path, bytes };
}

export async function rejectsWith(
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

export async function objectExists(ctx: Ctx, key: string): Promise<boolean> {
  return ctx.client.send(new HeadObjectCommand({ Bucket: ctx.settings.bucket, Key: key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );
}

export async function unfinishedUploads(ctx: Ctx): Promise<MultipartUpload[]> {
  const page = await ctx.client.send(
    new ListMultipartUploadsCommand({ Bucket: ctx.settings.bucket, Prefix: ctx.settings.prefix }),
  );
  return page.Uploads ?? [];
}

/** holdPart stalls UploadPart number `part` of this client until the returned release is called. */
export function holdPart(
  client: S3Client,
  part: number,
): { reached: Promise<void>; release(err: Error): void } {
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

/** pipeBody passes the body of this client's PutObject requests through `through()`, as the network would. */
export function pipeBody(client: S3Client, through: () => Transform): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { body?: unknown };
      if (context.commandName === 'PutObjectCommand' && request.body !== undefined) {
        request.body = (request.body as Readable).pipe(through());
      }
      return next(args);
    },
    { step: 'build', name: 'pipe-body' },
  );
}

/** stallAfter lets `bytes` through, then holds every later chunk until the request is torn down. */
export function stallAfter(bytes: number, onStall: () => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen <= bytes) return callback(null, chunk);
      onStall();
    },
  });
}

/** startStore gives each e2e file its own store, directories and client. */
export async function startStore(ctx: Ctx): Promise<void> {
  ctx.dir = await mkdtemp(join(tmpdir(), 'object-store-e2e-'));
  await mkdir(join(ctx.dir, 'files'));
  await mkdir(join(ctx.dir, 'restore'));
  ctx.store = await startObjectStore({ dir: join(ctx.dir, 'store'), repoRoot: REPO_ROOT });
  ctx.settings = objectStoreSettings(ctx.store, 'e2e-ns/c1/');
  ctx.client = createObjectStoreClient(ctx.settings);
}

export async function stopStore(ctx: Ctx): Promise<void> {
  ctx.client.destroy();
  await ctx.store.stop();
  await rm(ctx.dir, { recursive: true, force: true });
}
