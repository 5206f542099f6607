// Shipping end to end (issue 21): a cluster with spec.backup.objectStore and a credentials Secret ships the backups
// its scheduler writes to a real S3-compatible store (versitygw on loopback): each backup becomes one object whose
// sha256 metadata is the SHA-256 of the file on the replica's volume, with the snapshot's task count; the agent's
// GET /shipping reports it, and the AuroraCluster's status names it with BackupsShipped=True.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient } from '../../src/agent/agent-client.ts';
import { listBackups, type StoredBackup } from '../../src/objectstore/list-backups.ts';
import { createObjectStoreClient } from '../../src/objectstore/object-store-client.ts';
import { REPO_ROOT } from '../world/local-env/local-env.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type ClusterJson, type E2eEnv } from './harness.ts';
import {
  assertRestoredCluster,
  backupDirOf,
  createJob,
  createRestore,
  getRestore,
  NS,
  REPLICAS,
  takeBackup,
  taskIds,
  waitClusterReady,
  waitPhase,
} from './restore-fixture.ts';

const PREFIX = `${NS}/example/`;

type ShippedCluster = ClusterJson & {
  status?: {
    backups?: {
      newestShipped?: { name: string; size: number; tasks?: number; replica: string };
      shippedObjects?: number;
    };
  };
};

interface Ctx {
  env?: E2eEnv;
  store?: ObjectStoreServer;
  storeDir?: string;
  /** the backup the first test saw shipped, and the tasks it holds */
  shipped?: { backupId: string; tasks: string[] };
}

const test = suite<Ctx>('backup-shipping', {});

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not started`);
  return value;
}

test.before(async (ctx) => {
  ctx.storeDir = mkdtempSync(join(tmpdir(), 'aurora-e2e-store-'));
  ctx.store = await startObjectStore({ dir: ctx.storeDir, repoRoot: REPO_ROOT });
  ctx.env = await startE2eEnv('127.0.3.29');
  const e = ctx.env;
  await e.kubectl(['create', 'namespace', NS]);
  await e.kubectl([
    '-n',
    NS,
    'create',
    'secret',
    'generic',
    'store-keys',
    `--from-literal=AWS_ACCESS_KEY_ID=${ctx.store.accessKeyId}`,
    `--from-literal=AWS_SECRET_ACCESS_KEY=${ctx.store.secretAccessKey}`,
  ]);
  // backups only when the test takes one
  const objectStore = [
    '    objectStore:',
    `      endpoint: ${ctx.store.endpoint}`,
    `      bucket: ${ctx.store.bucket}`,
    '      forcePathStyle: true',
    '      credentials:',
    '        secretName: store-keys',
    '',
  ].join('\n');
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 6hrs')
    .replace('    maxSaved: 24\n', `    maxSaved: 24\n${objectStore}`);
  assert.match(manifest, 'secretName: store-keys');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
  await ctx.store?.stop();
  if (ctx.storeDir) rmSync(ctx.storeDir, { recursive: true, force: true });
});

/** refused: the error text of a kubectl call the API server must refuse */
async function refused(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => {
      throw new Error('the API server accepted it');
    },
    (err: unknown) => `${(err as Error).message} ${(err as { stderr?: string }).stderr ?? ''}`,
  );
}

/** the replica whose backups volume holds the file, and the file's bytes */
function localBackup(e: E2eEnv, name: string): { ordinal: number; bytes: Buffer } {
  for (let ordinal = 0; ordinal < REPLICAS; ordinal++) {
    const path = join(backupDirOf(e, ordinal), name);
    if (existsSync(path)) return { ordinal, bytes: readFileSync(path) };
  }
  throw new Error(`${name} is on no replica's backups volume`);
}

async function agentShipping(e: E2eEnv, ordinal: number) {
  const token = Buffer.from(
    await e.kubectl(['-n', NS, 'get', 'secret', 'example-backup-agent', '-o', 'jsonpath={.data.token}']),
    'base64',
  ).toString('utf8');
  const podIP = (
    await e.kubectl(['-n', NS, 'get', 'pod', `example-${ordinal}`, '-o', 'jsonpath={.status.podIP}'])
  ).trim();
  const client = createAgentClient({ token, trusted: () => true, timeoutMs: 5000, copyTimeoutMs: 5000 });
  return client.shippingStatus?.({ host: podIP, port: 8084 });
}

test('a backup the scheduler writes is shipped once, with the SHA-256 of the file and its task count', async (ctx) => {
  const e = need(ctx.env, 'environment');
  const store = need(ctx.store, 'object store');
  await createJob(e, 2);
  const { backupId, tasks } = await takeBackup(e);
  ctx.shipped = { backupId, tasks };
  const settings = objectStoreSettings(store, PREFIX);
  const client = createObjectStoreClient(settings);
  const stored = await waitFor(`${backupId} in the object store`, 120_000, async () => {
    const backups = await listBackups(client, settings).catch(() => [] as StoredBackup[]);
    return backups.find((b) => b.name === backupId);
  }).catch((err: unknown) => {
    for (let i = 0; i < REPLICAS; i++)
      console.error(e.podLogs(NS, `example-${i}`, 'backup-agent').slice(-3000));
    throw err;
  });
  const { ordinal, bytes } = localBackup(e, backupId);
  assert.is(stored.key, `${PREFIX}${backupId}`);
  assert.is(stored.metadata.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.is(stored.metadata.size, bytes.length);
  assert.is(stored.metadata.taskCount, tasks.length);
  assert.is(stored.metadata.cluster, 'example');
  assert.is(stored.metadata.auroraVersion, '0.22.0');
  // the object's bytes on the gateway's POSIX root are the file's bytes
  assert.equal(readFileSync(join(store.rootDir, store.bucket, stored.key)), bytes);
  const status = await waitFor('the agent reports the shipped backup', 60_000, async () => {
    const s = await agentShipping(e, ordinal).catch(() => undefined);
    return s?.lastShipped?.name === backupId && s.pending === 0 ? s : undefined;
  });
  assert.is(status.lastShipped?.tasks, tasks.length);
  assert.is(status.lastError, undefined);
  // every backup written so far is in the store exactly once, under the cluster's prefix
  const names = (await listBackups(client, settings)).map((b) => b.name);
  assert.equal(names, [...new Set(names)]);
  assert.ok(names.includes(backupId));
  // the operator's next pass of the Ready cluster (30 s apart) puts it in the AuroraCluster's status
  const cluster = await waitFor('status.backups.newestShipped names the backup', 120_000, async () => {
    const c = (await getCluster(e, NS, 'example')) as ShippedCluster;
    return c.status?.backups?.newestShipped?.name === backupId ? c : undefined;
  });
  const newest = cluster.status?.backups?.newestShipped;
  assert.is(newest?.replica, `example-${ordinal}`);
  assert.is(newest?.size, bytes.length);
  assert.is(newest?.tasks, tasks.length);
  assert.ok((cluster.status?.backups?.shippedObjects ?? 0) >= 1);
  const shipped = conditionOf(cluster, 'BackupsShipped');
  assert.is(shipped?.status, 'True', shipped?.message);
  assert.is(shipped?.reason, 'Shipped');
});

test("with every local copy deleted, a Staged restore from the store restores exactly the backup's tasks", async (ctx) => {
  const e = need(ctx.env, 'environment');
  const { backupId, tasks } = need(ctx.shipped, 'the shipped backup of the first test');
  // the live state moves on, so a restore that did nothing would show
  await createJob(e, 1);
  assert.not.equal(await taskIds(e), tasks);
  for (let ordinal = 0; ordinal < REPLICAS; ordinal++)
    rmSync(join(backupDirOf(e, ordinal), backupId), { force: true });
  assert.throws(() => localBackup(e, backupId), /on no replica's backups volume/);
  // half of another store's settings is refused by the API server (a bucket needs its prefix), not silently dropped
  const other = await refused(
    createRestore(e, 'from-other', { backupId, source: { objectStore: { bucket: 'x' } } }),
  );
  assert.match(other, /needs bucket and prefix together/);
  await createRestore(e, 'from-store', { backupId, source: { objectStore: {} } });
  const restore = await waitPhase(e, 'from-store', 'Succeeded', 600_000).catch(async (err: unknown) => {
    console.error(JSON.stringify((await getRestore(e, 'from-store'))?.status, null, 2));
    throw err;
  });
  assert.is(restore.status?.timeline?.[0]?.step, 'Validate');
  const raw = JSON.parse(await e.kubectl(['-n', NS, 'get', 'aurorarestore', 'from-store', '-o', 'json'])) as {
    status?: { timeline?: { step: string; message?: string }[]; source?: { name?: string } };
  };
  assert.is(raw.status?.source?.name, backupId);
  const validate = raw.status?.timeline?.find((t) => t.step === 'Validate')?.message ?? '';
  assert.match(validate, /fetched from the object store to example-\d \(downloaded, SHA-256 /);
  await assertRestoredCluster(e, tasks);
  const patch = JSON.stringify([{ op: 'remove', path: '/spec/source' }]);
  const changed = await refused(
    e.kubectl(['-n', NS, 'patch', 'aurorarestore', 'from-store', '--type=json', '-p', patch]),
  );
  assert.match(changed, /spec is immutable/);
});

test.run();
