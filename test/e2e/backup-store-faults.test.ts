// Faults of backup shipping end to end (issue 21): the backup agent and the operators killed while an upload is in
// flight leave no complete-looking object and the backup is shipped once afterwards; an object corrupted in the
// bucket or a name the store lacks fails a restore at Validate with nothing touched; wrong credentials, a missing
// bucket, an endpoint that is down and an untrusted certificate each give BackupsShipped=False naming the cause
// while the cluster stays Ready with its tasks, and fixing the setting recovers; retention keeps the newest two.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { STALE_UPLOAD_MS } from '../../src/agent/backup-shipper-store.ts';
import { uploadFailureReason } from '../../src/cluster/compute-shipping.ts';
import { abortStaleUploads } from '../../src/objectstore/abort-stale-uploads.ts';
import { listBackups, type StoredBackup } from '../../src/objectstore/list-backups.ts';
import {
  createObjectStoreClient,
  type ObjectStoreSettings,
} from '../../src/objectstore/object-store-client.ts';
import { ensureCerts } from '../world/local-env/certs.ts';
import { findFreePort } from '../world/local-env/free-port.ts';
import { OPERATOR_NAMESPACE, REPO_ROOT } from '../world/local-env/local-env.ts';
import {
  objectStoreSettings,
  startObjectStore,
  type ObjectStoreServer,
} from '../world/local-env/object-store.ts';
import { conditionOf, getCluster, SCHEDULERS, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';
import {
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
import { startStallingStoreProxy, type StallingStoreProxy } from './store-stall-harness.ts';

const PREFIX = `${NS}/example/`;

interface Ctx {
  env?: E2eEnv;
  dir?: string;
  store?: ObjectStoreServer;
  tlsStore?: ObjectStoreServer;
  proxy?: StallingStoreProxy;
  settings?: ObjectStoreSettings;
  client?: S3Client;
  /** every backup the scheduler wrote in this file, oldest first */
  backups: string[];
}

const test = suite<Ctx>('backup-store-faults', { backups: [] });

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not started`);
  return value;
}

test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'aurora-e2e-store-faults-'));
  ctx.store = await startObjectStore({ dir: join(ctx.dir, 'store'), repoRoot: REPO_ROOT });
  // a second store that serves TLS with a certificate of one CA, while the cluster is given another CA
  for (const sub of ['pki', 'other-pki']) mkdirSync(join(ctx.dir, sub));
  const pki = ensureCerts(join(ctx.dir, 'pki'));
  const otherPki = ensureCerts(join(ctx.dir, 'other-pki'));
  ctx.tlsStore = await startObjectStore({
    dir: join(ctx.dir, 'tls-store'),
    repoRoot: REPO_ROOT,
    tls: { certFile: pki.servingCertFile, keyFile: pki.servingKeyFile, caFile: pki.caFile },
  });
  ctx.proxy = await startStallingStoreProxy(ctx.store.endpoint);
  ctx.settings = objectStoreSettings(ctx.store, PREFIX);
  ctx.client = createObjectStoreClient(ctx.settings);
  ctx.env = await startE2eEnv('127.0.3.33');
  const e = ctx.env;
  await e.kubectl(['create', 'namespace', NS]);
  const secret = (name: string, secretKey: string): Promise<string> =>
    e.kubectl([
      '-n',
      NS,
      'create',
      'secret',
      'generic',
      name,
      `--from-literal=AWS_ACCESS_KEY_ID=${ctx.store?.accessKeyId}`,
      `--from-literal=AWS_SECRET_ACCESS_KEY=${secretKey}`,
    ]);
  await secret('store-keys', ctx.store.secretAccessKey);
  await secret('wrong-keys', `${ctx.store.secretAccessKey.slice(0, -4)}XXXX`);
  await e.kubectl(['-n', NS, 'create', 'configmap', 'other-ca', `--from-file=ca.crt=${otherPki.caFile}`]);
  // the agents reach the store through the proxy, so the test can hold an upload; no periodic backups
  const objectStore = [
    '    objectStore:',
    `      endpoint: ${ctx.proxy.endpoint}`,
    `      bucket: ${ctx.store.bucket}`,
    '      forcePathStyle: true',
    '      credentials:',
    '        secretName: store-keys',
    '      retention:',
    '        keepLast: 2',
    '',
  ].join('\n');
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 6hrs')
    .replace('    maxSaved: 24\n', `    maxSaved: 24\n${objectStore}`);
  assert.match(manifest, 'keepLast: 2');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
  await createJob(e, 2);
});

test.after(async (ctx) => {
  ctx.client?.destroy();
  await ctx.env?.stop();
  await ctx.proxy?.close();
  await ctx.store?.stop();
  await ctx.tlsStore?.stop();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const minuteOf = (backup: string): string => backup.replace('scheduler-backup-', '');
const utcMinute = (): string => new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');

/** takeNewBackup waits for a new minute when needed: Aurora names backups by the minute and overwrites one. */
async function takeNewBackup(ctx: Ctx): Promise<{ backupId: string; tasks: string[] }> {
  const last = ctx.backups.at(-1);
  if (last)
    await waitFor('a new minute for a new backup name', 70_000, async () => utcMinute() > minuteOf(last));
  const taken = await takeBackup(need(ctx.env, 'environment'));
  assert.ok(!ctx.backups.includes(taken.backupId), `${taken.backupId} was taken before`);
  ctx.backups.push(taken.backupId);
  return taken;
}

async function stored(ctx: Ctx): Promise<StoredBackup[]> {
  return listBackups(need(ctx.client, 'store client'), need(ctx.settings, 'store settings'));
}

/** the replica whose backups volume holds the file, and the file's bytes */
function localBackup(e: E2eEnv, name: string): { ordinal: number; bytes: Buffer } {
  for (let ordinal = 0; ordinal < REPLICAS; ordinal++) {
    const path = join(backupDirOf(e, ordinal), name);
    if (existsSync(path)) return { ordinal, bytes: readFileSync(path) };
  }
  throw new Error(`${name} is on no replica's backups volume`);
}

async function waitShipped(ctx: Ctx, name: string): Promise<StoredBackup> {
  const e = need(ctx.env, 'environment');
  return waitFor(`${name} in the object store`, 180_000, async () => {
    const backups = await stored(ctx).catch(() => [] as StoredBackup[]);
    return backups.find((b) => b.name === name);
  }).catch((err: unknown) => {
    for (let i = 0; i < REPLICAS; i++)
      console.error(e.podLogs(NS, `example-${i}`, 'backup-agent').slice(-3000));
    throw err;
  });
}

/** jsonpath: one field of objects in a namespace through kubectl */
function jsonpath(e: E2eEnv, what: string[], path: string, namespace = NS): Promise<string> {
  return e.kubectl(['-n', namespace, 'get', ...what, '-o', `jsonpath=${path}`]);
}

async function operatorPods(e: E2eEnv): Promise<string[]> {
  const out = await jsonpath(e, ['pods'], '{.items[*].metadata.name}', OPERATOR_NAMESPACE);
  return out.split(/\s+/).filter(Boolean);
}

async function restartCount(e: E2eEnv, namespace: string, pod: string, container: string): Promise<number> {
  const path = `{.status.containerStatuses[?(@.name=="${container}")].restartCount}`;
  return Number(await jsonpath(e, ['pod', pod], path, namespace));
}

/** waitRestarted: each container counts one restart more than `before` says, so a kill that hit nothing fails */
async function waitRestarted(e: E2eEnv, before: [string, string, string, number][]): Promise<void> {
  for (const [namespace, pod, container, count] of before) {
    // a pod replaced instead of restarted counts too: its controller started the container anew
    await waitFor(`${pod}/${container} to restart`, 180_000, async () => {
      const now = await restartCount(e, namespace, pod, container).catch((err: unknown) => {
        if (/NotFound/.test(String((err as { stderr?: string }).stderr ?? err))) return Infinity;
        throw err;
      });
      return now > count ? true : undefined;
    });
  }
}

test('agent and operators killed mid-upload: no complete-looking object, then the backup is shipped once', async (ctx) => {
  const e = need(ctx.env, 'environment');
  const proxy = need(ctx.proxy, 'proxy');
  const stalled = proxy.stall(/^PUT \S*scheduler-backup-/);
  const { backupId, tasks } = await takeNewBackup(ctx);
  const line = await waitFor('the upload to reach the store', 120_000, () =>
    Promise.race([stalled, sleep(1000).then(() => undefined)]),
  );
  assert.match(line, `/${PREFIX}${backupId}`);
  // in flight: the store has part of the body, and nothing lists as a backup
  assert.not.ok((await stored(ctx)).some((b) => b.name === backupId));
  // a slow store shows in the cluster's status and in diagnose while the upload hangs, long before it fails
  await waitFor(
    'the upload in flight in status.backups',
    90_000,
    async () =>
      (await jsonpath(e, ['auroracluster', 'example'], '{.status.backups.uploading.name}')) === backupId ||
      undefined,
  );
  const flight = await getCluster(e, NS, 'example');
  assert.match(conditionOf(flight, 'BackupsShipped')?.message ?? '', `Uploading ${backupId} since`);
  assert.match(await e.kubectlAurora(['diagnose', 'example', '-n', NS]), `uploading: ${backupId} (`);
  // the uploader is the agent beside the file: the leader's when the backup was taken
  const leader = `example-${localBackup(e, backupId).ordinal}`;
  const operators = await operatorPods(e);
  assert.ok(operators.length >= 1, 'no operator pod to kill');
  const killed: [string, string, string, number][] = [];
  for (const [namespace, pod, container] of [
    [NS, leader, 'backup-agent'],
    ...operators.map((pod) => [OPERATOR_NAMESPACE, pod, 'operator']),
  ] as [string, string, string][]) {
    killed.push([namespace, pod, container, await restartCount(e, namespace, pod, container)]);
    await e.signalContainer(namespace, pod, container, 'SIGKILL');
  }
  // the cut connection ends the store's request, and the restarted agent's new upload is held as well: still no
  // object, complete or not, until the store lets uploads through
  await waitRestarted(e, killed);
  await sleep(3000);
  assert.not.ok((await stored(ctx)).some((b) => b.name === backupId));
  proxy.release();
  const object = await waitShipped(ctx, backupId);
  const { bytes } = localBackup(e, backupId);
  assert.is(object.metadata.sha256, sha256(bytes));
  assert.is(object.metadata.size, bytes.length);
  assert.is(object.metadata.taskCount, tasks.length);
  // exactly one object per backup name, and an hour later the sweep leaves no unfinished upload behind
  const names = (await stored(ctx)).map((b) => b.name);
  assert.equal(names, [...new Set(names)]);
  assert.equal(names.filter((n) => n === backupId).length, 1);
  const client = need(ctx.client, 'store client');
  const settings = need(ctx.settings, 'store settings');
  const later = new Date(Date.now() + STALE_UPLOAD_MS + 60_000);
  await abortStaleUploads(client, settings, { olderThanMs: STALE_UPLOAD_MS, now: later });
  const uploads = await client.send(
    new ListMultipartUploadsCommand({ Bucket: settings.bucket, Prefix: PREFIX }),
  );
  assert.equal(uploads.Uploads ?? [], []);
  assert.equal(
    (await stored(ctx)).map((b) => b.name),
    names,
  );
  await waitClusterReady(e);
  assert.equal(await taskIds(e), tasks);
});

interface Untouched {
  pods: string;
  sts: string;
  tasks: string[];
}

async function untouchedState(e: E2eEnv): Promise<Untouched> {
  const pods = await jsonpath(e, ['pods', '-l', SCHEDULERS], '{.items[*].metadata.uid}');
  const sts = JSON.parse(await e.kubectl(['-n', NS, 'get', 'sts', 'example', '-o', 'json'])) as {
    metadata: { generation?: number; annotations?: unknown };
    spec: unknown;
  };
  const stsView = JSON.stringify([sts.metadata.generation, sts.metadata.annotations, sts.spec]);
  return { pods, sts: stsView, tasks: await taskIds(e) };
}

async function assertUntouched(e: E2eEnv, before: Untouched): Promise<void> {
  const now = await untouchedState(e);
  assert.is(now.pods, before.pods, 'no scheduler pod was replaced');
  assert.is(now.sts, before.sts, 'the StatefulSet was not patched');
  assert.equal(now.tasks, before.tasks, 'the tasks are the same');
  const c = await getCluster(e, NS, 'example');
  assert.is(conditionOf(c, 'Ready')?.status, 'True');
  const annotations = await jsonpath(e, ['auroracluster', 'example'], '{.metadata.annotations}');
  assert.not.match(annotations, 'restore-lock');
}

async function failedRestore(e: E2eEnv, name: string, backupId: string) {
  await createRestore(e, name, { backupId, source: { objectStore: {} } });
  return waitPhase(e, name, 'Failed', 180_000).catch(async (err: unknown) => {
    console.error(JSON.stringify((await getRestore(e, name))?.status, null, 2));
    throw err;
  });
}

test('an object corrupted in the bucket fails Validate with BackupUnreadable (SHA-256), nothing touched', async (ctx) => {
  const e = need(ctx.env, 'environment');
  const store = need(ctx.store, 'object store');
  const backupId = need(ctx.backups.at(-1), 'a shipped backup');
  await waitShipped(ctx, backupId);
  for (let ordinal = 0; ordinal < REPLICAS; ordinal++)
    rmSync(join(backupDirOf(e, ordinal), backupId), { force: true });
  // same length, other bytes, same inode: versitygw keeps the metadata (the sha256) in the file's xattrs
  const path = join(store.rootDir, store.bucket, `${PREFIX}${backupId}`);
  const bytes = readFileSync(path);
  bytes.fill(0x5a, 0, Math.min(64, bytes.length));
  writeFileSync(path, bytes);
  const object = (await stored(ctx)).find((b) => b.name === backupId);
  assert.ok(object && object.metadata.sha256 !== sha256(bytes), 'the metadata still names the true SHA-256');
  const before = await untouchedState(e);
  const r = await failedRestore(e, 'corrupt', backupId);
  assert.is(r.status?.error?.step, 'Validate');
  // the message names the SHA-256 mismatch and the hint of BackupUnreadable
  const message = r.status?.error?.message ?? '';
  assert.match(
    message,
    /downloaded \d+ bytes with SHA-256 [0-9a-f]{64}, metadata says \d+ bytes [0-9a-f]{64}/,
  );
  assert.match(message, /The object is corrupt or was not written by the operator/);
  assert.match(message, /not touched/);
  for (let ordinal = 0; ordinal < REPLICAS; ordinal++)
    assert.not.ok(existsSync(join(backupDirOf(e, ordinal), backupId)), 'no corrupt file was kept');
  await assertUntouched(e, before);
});

test('a backupId the store does not hold fails Validate with BackupNotInStore, nothing touched', async (ctx) => {
  const e = need(ctx.env, 'environment');
  const before = await untouchedState(e);
  const r = await failedRestore(e, 'not-in-store', 'scheduler-backup-2001-01-01-00-00');
  assert.is(r.status?.error?.step, 'Validate');
  assert.match(r.status?.error?.message ?? '', /scheduler-backup-2001-01-01-00-00/);
  assert.match(r.status?.error?.message ?? '', /not touched/);
  assert.match(r.status?.error?.message ?? '', /Pick a backupId the store holds/);
  await assertUntouched(e, before);
});

async function patchStore(e: E2eEnv, objectStore: Record<string, unknown>): Promise<void> {
  const patch = JSON.stringify({ spec: { backup: { objectStore } } });
  await e.kubectl(['-n', NS, 'patch', 'auroracluster', 'example', '--type=merge', '-p', patch]);
}

/** the code each failing replica reports in a BackupsShipped message ("example-1: OBJECT_STORE_TLS: ...") */
const reportedCodes = (message: string): string[] =>
  [...message.matchAll(/example-\d+: ([A-Z][A-Z0-9_]+):/g)].map((m) => m[1] ?? '');

/**
 * shippingCondition waits until the cluster is Ready and BackupsShipped has this status; for False every replica
 * reports `code` (so all pods have rolled to the new settings) and the message matches `detail`.
 */
async function shippingCondition(
  e: E2eEnv,
  status: 'True' | 'False',
  code?: string,
  detail = /./,
  replicas = REPLICAS,
) {
  return waitFor(`BackupsShipped=${status} ${code ?? ''}`, 420_000, async () => {
    const c = await getCluster(e, NS, 'example');
    const shipped = conditionOf(c, 'BackupsShipped');
    if (conditionOf(c, 'Ready')?.status !== 'True' || shipped?.status !== status) return undefined;
    const codes = reportedCodes(shipped.message);
    const named = code === undefined || (codes.length === replicas && codes.every((c) => c === code));
    return named && detail.test(shipped.message) ? shipped : undefined;
  }).catch(async (err: unknown) => {
    const c = await getCluster(e, NS, 'example');
    console.error(JSON.stringify(c.status?.conditions, null, 2));
    throw err;
  });
}

test('wrong keys, a missing bucket, a store down, an untrusted certificate and a full bucket each give BackupsShipped=False; fixing recovers', async (ctx) => {
  const e = need(ctx.env, 'environment');
  const store = need(ctx.store, 'object store');
  const tlsStore = need(ctx.tlsStore, 'TLS store');
  const proxy = need(ctx.proxy, 'proxy');
  await waitClusterReady(e);
  const tasks = await taskIds(e);
  const closedPort = await findFreePort('127.0.0.1');
  const faults: [string, Record<string, unknown>, string, RegExp][] = [
    ['wrong secret key', { credentials: { secretName: 'wrong-keys' } }, 'OBJECT_STORE_FORBIDDEN', /./],
    [
      'missing bucket',
      { credentials: { secretName: 'store-keys' }, bucket: 'no-such-bucket' },
      'OBJECT_STORE_NO_SUCH_BUCKET',
      /no-such-bucket/,
    ],
    [
      'endpoint down',
      { bucket: store.bucket, endpoint: `http://127.0.0.1:${closedPort}` },
      'OBJECT_STORE_UNREACHABLE',
      /ECONNREFUSED/,
    ],
    [
      'certificate of another CA',
      { endpoint: tlsStore.endpoint, caBundle: { configMapName: 'other-ca', key: 'ca.crt' } },
      'OBJECT_STORE_TLS',
      /./,
    ],
  ];
  for (const [what, objectStore, code, detail] of faults) {
    await patchStore(e, objectStore);
    const shipped = await shippingCondition(e, 'False', code, detail);
    console.log(`${what}: BackupsShipped=False ${shipped.reason}: ${shipped.message.slice(0, 400)}`);
    assert.is(shipped.reason, uploadFailureReason([code]), `${what}: the reason names the fault`);
    assert.is.not(shipped.reason, 'UploadFailing', `${what}: a reason of its own`);
    assert.equal(await taskIds(e), tasks, `${what}: the tasks are the same`);
  }
  await patchStore(e, { endpoint: proxy.endpoint, caBundle: null });
  const recovered = await shippingCondition(e, 'True');
  assert.is(recovered.reason, 'Shipped');
  assert.equal(await taskIds(e), tasks);
  // a full bucket: the store refuses the new backup's upload with QuotaExceeded; only the agent beside it ships
  const quota = '<Error><Code>QuotaExceeded</Code><Message>bucket quota reached</Message></Error>';
  proxy.refuse(
    /^PUT \S*scheduler-backup-/,
    `HTTP/1.1 403 Forbidden\r\ncontent-type: application/xml\r\ncontent-length: ${quota.length}\r\nconnection: close\r\n\r\n${quota}`,
  );
  const { backupId } = await takeNewBackup(ctx);
  const full = await shippingCondition(e, 'False', 'OBJECT_STORE_FULL', /QuotaExceeded/, 1);
  assert.is(full.reason, 'StoreFull');
  assert.not.ok(
    (await stored(ctx)).some((b) => b.name === backupId),
    'no object of a refused upload',
  );
  assert.equal(await taskIds(e), tasks, 'a full bucket: the tasks are the same');
  proxy.release();
  await waitShipped(ctx, backupId);
  assert.is((await shippingCondition(e, 'True')).reason, 'Shipped');
});

test('retention keepLast: 2 deletes exactly the older backups and never the newest', async (ctx) => {
  const e = need(ctx.env, 'environment');
  await createJob(e, 1);
  const second = await takeNewBackup(ctx);
  await waitShipped(ctx, second.backupId);
  const third = await takeNewBackup(ctx);
  await waitShipped(ctx, third.backupId);
  const newestTwo = ctx.backups.slice(-2);
  const older = ctx.backups.slice(0, -2);
  assert.ok(older.length >= 1, 'at least one backup is older than the newest two');
  const names = await waitFor('only the newest two in the store', 120_000, async () => {
    const now = (await stored(ctx)).map((b) => b.name).sort();
    return JSON.stringify(now) === JSON.stringify(newestTwo) ? now : undefined;
  }).catch(async (err: unknown) => {
    console.error((await stored(ctx)).map((b) => b.name));
    throw err;
  });
  assert.equal(names, newestTwo);
  assert.ok(names.includes(third.backupId), 'the newest backup stays');
  // retention works on the store only: the local copies of the newest backups are still there
  for (const name of newestTwo) localBackup(e, name);
});

test.run();
