// The backup agent's POST /backups/<name>/fetch against a real S3 gateway (versitygw on loopback, no Kubernetes):
// the object lands in the agent's volume with its true SHA-256, a re-run is a no-op, and each store fault reaches
// the operator's client with its code and class while the volume keeps no file.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient, type AgentClient } from '../../src/agent/agent-client.ts';
import { AgentError } from '../../src/agent/agent-errors.ts';
import { createAgentServer } from '../../src/agent/agent-server.ts';
import { createBackupFetcher, createS3FetchStore } from '../../src/agent/fetch-backup.ts';
import type { AgentErrorCode } from '../../src/api/errors.ts';
import { createLogger } from '../../src/log.ts';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../src/objectstore/object-store-client.ts';
import { uploadBackup } from '../../src/objectstore/upload-backup.ts';
import { findFreePort } from '../world/local-env/free-port.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'agent-fetch-e2e';
const MiB = 1024 * 1024;
const PREFIX = 'e2e-ns/c1/';

interface Ctx {
  dir: string;
  store: ObjectStoreServer;
  settings: ObjectStoreSettings;
  client: S3Client;
  agents: AgentClient;
}

const test = suite<Ctx>('agent-fetch');
const name = (minute: number): string => `scheduler-backup-2026-12-06-04-${String(minute).padStart(2, '0')}`;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function ship(ctx: Ctx, backup: string, size: number): Promise<Buffer> {
  const bytes = randomBytes(size);
  const file = join(ctx.dir, 'files', backup);
  await writeFile(file, bytes);
  const description = {
    snapshotTime: '2026-12-06T04:00:00.000Z',
    taskCount: 3,
    cluster: 'c1',
    auroraVersion: '0.22.0',
  };
  await uploadBackup(ctx.client, ctx.settings, { file, name: backup, description });
  return bytes;
}

/** withAgent runs an agent whose store has these settings, over a fresh backup volume. */
async function withAgent(
  ctx: Ctx,
  settings: ObjectStoreSettings,
  run: (at: { host: string; port: number }, volume: string) => Promise<void>,
): Promise<void> {
  const volume = await mkdtemp(join(ctx.dir, 'volume-'));
  const fetcher = createBackupFetcher(createS3FetchStore(settings), volume);
  const server = createAgentServer({
    backupDir: volume,
    operatorDir: join(volume, '.operator'),
    token: TOKEN,
    log: createLogger('agent-fetch-e2e', 'silent'),
    fetcher: () => fetcher,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, volume);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function failsWith(promise: Promise<unknown> | undefined, code: AgentErrorCode): Promise<AgentError> {
  const err = await Promise.resolve(promise).then(
    () => assert.unreachable(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.instance(err, AgentError);
  assert.is((err as AgentError).code, code, (err as Error).message);
  return err as AgentError;
}

/** backupFiles: what the volume holds besides the operator's directory, temp names included. */
async function backupFiles(volume: string): Promise<string[]> {
  return (await readdir(volume)).filter((f) => f !== '.operator').sort();
}

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'agent-fetch-e2e-'));
  await mkdir(join(ctx.dir, 'files'));
  ctx.store = await startObjectStore({ dir: join(ctx.dir, 'store'), repoRoot: REPO_ROOT });
  ctx.settings = objectStoreSettings(ctx.store, PREFIX);
  ctx.client = createObjectStoreClient(ctx.settings);
  ctx.agents = createAgentClient({
    token: TOKEN,
    trusted: () => true,
    timeoutMs: 5000,
    copyTimeoutMs: 60_000,
  });
});

test.after(async (ctx) => {
  ctx.client.destroy();
  await ctx.store.stop();
  await rm(ctx.dir, { recursive: true, force: true });
});

test('a shipped backup is fetched into the volume with its SHA-256; again is a no-op; latest is the newest', async (ctx) => {
  const older = await ship(ctx, name(0), 1 * MiB);
  const newer = await ship(ctx, name(5), 6 * MiB + 17);
  await withAgent(ctx, ctx.settings, async (at, volume) => {
    const first = await ctx.agents.fetchFromStore?.(at, name(0));
    assert.equal(first, { name: name(0), size: older.length, sha256: sha256(older), fetched: true });
    assert.ok((await readFile(join(volume, name(0)))).equals(older));
    const again = await ctx.agents.fetchFromStore?.(at, name(0));
    assert.equal(again, { name: name(0), size: older.length, sha256: sha256(older), fetched: false });
    const latest = await ctx.agents.fetchFromStore?.(at, 'latest');
    assert.equal(latest, { name: name(5), size: newer.length, sha256: sha256(newer), fetched: true });
    assert.ok((await readFile(join(volume, name(5)))).equals(newer));
    assert.equal(await backupFiles(volume), [name(0), name(5)]);
    assert.equal(
      (await ctx.agents.listBackups(at)).map((b) => b.name),
      [name(0), name(5)],
    );
  });
});

test('bytes corrupted in the store: AGENT_STORE_BACKUP_UNREADABLE (terminal), no file on the volume', async (ctx) => {
  const bytes = await ship(ctx, name(10), 3 * MiB);
  // flip one byte in versitygw's POSIX root, in place, so the object's metadata (xattrs) stays
  const handle = await open(join(ctx.store.rootDir, ctx.store.bucket, PREFIX, name(10)), 'r+');
  await handle.write(Buffer.from([(bytes[MiB] ?? 0) ^ 0xff]), 0, 1, MiB);
  await handle.close();
  await withAgent(ctx, ctx.settings, async (at, volume) => {
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(10)), 'AGENT_STORE_BACKUP_UNREADABLE');
    assert.ok(err.terminal);
    assert.match(err.message, /SHA-256/);
    assert.equal(await backupFiles(volume), []);
  });
});

test('a name not in the store, a wrong secret and a missing bucket are terminal; no file is kept', async (ctx) => {
  await withAgent(ctx, ctx.settings, async (at, volume) => {
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(59)), 'AGENT_STORE_NOT_FOUND');
    assert.ok(err.terminal);
    assert.equal(await backupFiles(volume), []);
  });
  const wrong = {
    ...ctx.settings,
    credentials: { accessKeyId: ctx.store.accessKeyId, secretAccessKey: 'wrong' },
  };
  await withAgent(ctx, wrong, async (at, volume) => {
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(0)), 'AGENT_STORE_FORBIDDEN');
    assert.ok(err.terminal);
    await failsWith(ctx.agents.fetchFromStore?.(at, 'latest'), 'AGENT_STORE_FORBIDDEN');
    assert.equal(await backupFiles(volume), []);
  });
  await withAgent(ctx, { ...ctx.settings, bucket: 'no-such-bucket' }, async (at, volume) => {
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(0)), 'AGENT_STORE_FORBIDDEN');
    assert.match(err.message, /NoSuchBucket|does not exist/);
    assert.equal(await backupFiles(volume), []);
  });
});

test('a store that is down is AGENT_STORE_UNREACHABLE, which the operator retries', async (ctx) => {
  const down = { ...ctx.settings, endpoint: `http://127.0.0.1:${await findFreePort()}` };
  await withAgent(ctx, down, async (at, volume) => {
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(0)), 'AGENT_STORE_UNREACHABLE');
    assert.not.ok(err.terminal);
    assert.equal(await backupFiles(volume), []);
  });
});

test('a local file that differs from the object is never overwritten: AGENT_FETCH_CONFLICT', async (ctx) => {
  await withAgent(ctx, ctx.settings, async (at, volume) => {
    await writeFile(join(volume, name(0)), 'a local backup written in the same minute');
    const err = await failsWith(ctx.agents.fetchFromStore?.(at, name(0)), 'AGENT_FETCH_CONFLICT');
    assert.ok(err.terminal);
    assert.is(await readFile(join(volume, name(0)), 'utf8'), 'a local backup written in the same minute');
    assert.ok(existsSync(join(volume, name(0))));
  });
});

test.run();
