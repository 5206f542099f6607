// Infrastructure faults on the real local environment: watches cut, kube-apiserver and ZooKeeper restarted, the
// Lease taken by a stale holder, and restores of broken backup files; each with a stated recovery bound.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cutApiserverConnections,
  leaseHolder,
  operatorLogs,
  operatorPods,
  restartApiserver,
  restartZookeeper,
  stackTraces,
  stealLease,
  type OperatorPod,
} from './fault-harness.ts';
import { conditionOf, getCluster, waitFor, startE2eEnv, type E2eEnv } from './harness.ts';
import {
  backupDirOf,
  createJob,
  createRestore,
  getRestore,
  NS,
  takeBackup,
  taskIds,
  waitClusterReady,
  wipeCount,
} from './restore-fixture.ts';

/** Recovery bounds asserted below and documented in docs/hardening.md. */
const WATCH_RECOVERY_MS = 30_000;
const APISERVER_RECOVERY_MS = 30_000;
const ZOOKEEPER_RECOVERY_MS = 60_000;
// leaseDuration 15 s after the candidate saw the stale record, plus one jittered retry period (2 s × 2.2)
const LEASE_RECOVERY_MS = 30_000;

interface Baseline {
  generation: string;
  podUids: string;
  operator: OperatorPod[];
}

interface Ctx {
  env?: E2eEnv;
  baseline?: Baseline;
  probes: number;
}
const test = suite<Ctx>('infra-faults', { probes: 0 });

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} not set up`);
  return value;
};

async function snapshot(e: E2eEnv): Promise<Baseline> {
  const generation = await e.kubectl([
    '-n',
    NS,
    'get',
    'sts',
    'example',
    '-o',
    'jsonpath={.metadata.generation}',
  ]);
  const podUids = await e.kubectl([
    '-n',
    NS,
    'get',
    'pods',
    '-l',
    'aurora-operator.io/cluster=example',
    '-o',
    'jsonpath={.items[*].metadata.uid}',
  ]);
  return { generation, podUids, operator: await operatorPods(e) };
}

/** assertNoDuplicateActions: the StatefulSet was not rewritten, no scheduler pod replaced, no operator restarted. */
async function assertNoDuplicateActions(ctx: Ctx, operatorRestartsAllowed = 0): Promise<void> {
  const e = need(ctx.env, 'env');
  const before = need(ctx.baseline, 'baseline');
  const now = await snapshot(e);
  assert.is(now.generation, before.generation, 'the StatefulSet generation is unchanged');
  assert.is(now.podUids, before.podUids, 'no scheduler pod was deleted or replaced');
  assert.equal(
    now.operator.map((p) => p.uid),
    before.operator.map((p) => p.uid),
    'the operator pods were not replaced',
  );
  const restarts = (pods: OperatorPod[]): number => pods.reduce((n, p) => n + p.restarts, 0);
  assert.ok(
    restarts(now.operator) - restarts(before.operator) <= operatorRestartsAllowed,
    `operator restarts ${restarts(before.operator)} -> ${restarts(now.operator)}`,
  );
  ctx.baseline = now;
}

/**
 * reconcileProbe creates a cluster the operator must mark Degraded (example's ZooKeeper paths, so a path conflict
 * and no pods) and returns how long that took: it proves the AuroraCluster watch and the status writes work again.
 */
async function reconcileProbe(ctx: Ctx, boundMs: number): Promise<number> {
  const e = need(ctx.env, 'env');
  const name = `probe-${++ctx.probes}`;
  const manifest = e
    .exampleManifest()
    .replace('name: example', `name: ${name}`)
    .replace('replicas: 3', 'replicas: 1');
  const started = Date.now();
  await waitFor(`${name} to be created`, boundMs, async () => {
    await e.kubectl(['apply', '-f', '-'], manifest);
    return true;
  });
  await waitFor(`${name} Degraded ZooKeeperPathConflict`, boundMs, async () =>
    conditionOf(await getCluster(e, NS, name), 'Degraded')?.reason === 'ZooKeeperPathConflict'
      ? true
      : undefined,
  );
  await e.kubectl(['-n', NS, 'delete', 'auroracluster', name, '--wait=false']);
  return Date.now() - started;
}

async function assertReady(e: E2eEnv): Promise<void> {
  assert.is(conditionOf(await getCluster(e, NS, 'example'), 'Ready')?.status, 'True', 'example is Ready');
}

test.before(async (ctx) => {
  const e = await startE2eEnv('127.0.3.13');
  ctx.env = e;
  await e.kubectl(['create', 'namespace', NS]);
  const manifest = e
    .exampleManifest()
    .replace('replicas: 3', 'replicas: 1')
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
  await createJob(e, 2);
  ctx.baseline = await snapshot(e);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

test(`watch connections cut: reconciling again within ${WATCH_RECOVERY_MS} ms, no restart, nothing redone`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const holder = await leaseHolder(e);
  const cut = await cutApiserverConnections(e);
  assert.ok(cut > 0, 'connections to the apiserver were cut');
  const took = await reconcileProbe(ctx, WATCH_RECOVERY_MS);
  console.log(`watches cut (${cut} sockets): reconciled again after ${took} ms`);
  await assertReady(e);
  assert.is(await leaseHolder(e), holder, 'the same replica still leads');
  await assertNoDuplicateActions(ctx);
});

test(`kube-apiserver restarted: reconciling again within ${APISERVER_RECOVERY_MS} ms, no restart`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const holder = await leaseHolder(e);
  const { downMs } = await restartApiserver(e);
  // an outage longer than the renew deadline (10 s) makes the leader exit by design; this one must be shorter
  assert.ok(downMs < 10_000, `the apiserver was back after ${downMs} ms`);
  const took = await reconcileProbe(ctx, APISERVER_RECOVERY_MS);
  console.log(`apiserver down ${downMs} ms: reconciled again ${took} ms after it answered`);
  await waitFor('example Ready', APISERVER_RECOVERY_MS, async () =>
    conditionOf(await getCluster(e, NS, 'example'), 'Ready')?.status === 'True' ? true : undefined,
  );
  assert.is(await leaseHolder(e), holder, 'the same replica still leads');
  await assertNoDuplicateActions(ctx);
});

test(`ZooKeeper restarted: Ready with a leader again within ${ZOOKEEPER_RECOVERY_MS} ms, nothing redone`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const tasks = await taskIds(e);
  const { downMs } = await restartZookeeper(e);
  const started = Date.now();
  // the operator reads the leader from ZooKeeper again: a fresh leader in status proves its session recovered
  await waitFor('example Ready with a leader', ZOOKEEPER_RECOVERY_MS, async () => {
    const c = await getCluster(e, NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' && conditionOf(c, 'LeaderElected')?.status === 'True'
      ? true
      : undefined;
  });
  // the status read at once may predate the restart, so the scheduler answering with its tasks is the proof
  const served = await waitFor('the leader to serve its tasks again', ZOOKEEPER_RECOVERY_MS, async () => {
    const ids = await taskIds(e);
    return JSON.stringify(ids) === JSON.stringify(tasks) ? ids : undefined;
  });
  console.log(`ZooKeeper down ${downMs} ms: serving its tasks again after ${Date.now() - started} ms`);
  assert.equal(served, tasks, 'the scheduler kept its tasks');
  await waitClusterReady(e);
  await reconcileProbe(ctx, ZOOKEEPER_RECOVERY_MS);
  await assertNoDuplicateActions(ctx);
});

test(`Lease taken by a stale holder: operators stand by, then one takes it back within ${LEASE_RECOVERY_MS} ms`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const pods = (await operatorPods(e)).map((p) => p.name);
  await stealLease(e, 'stale-holder', 15);
  const stolenAt = Date.now();
  // nobody may take a Lease that was renewed moments ago
  await sleep(8000);
  assert.is(await leaseHolder(e), 'stale-holder', 'the stale holder keeps its Lease until it expires');
  const holder = await waitFor('an operator replica to lead again', LEASE_RECOVERY_MS, async () => {
    const now = await leaseHolder(e);
    return pods.includes(now) ? now : undefined;
  });
  console.log(`Lease stolen: ${holder} leads again after ${Date.now() - stolenAt} ms`);
  await reconcileProbe(ctx, LEASE_RECOVERY_MS);
  await assertReady(e);
  // the leader that read another holder in the Lease exits at once instead of acting beside it; its container
  // restarts in place (one restart), the pods are not replaced
  await assertNoDuplicateActions(ctx, 1);
});

const BROKEN_BACKUPS: Array<[string, (good: Buffer) => Buffer]> = [
  ['truncated', (good) => good.subarray(0, Math.floor(good.length / 2))],
  ['corrupt', (good) => Buffer.from(good.map((b, i) => (i % 7 === 3 ? b ^ 0xa5 : b)))],
  ['wrong format', () => Buffer.from(JSON.stringify({ tasks: [], format: 'not a Thrift snapshot' }))],
];

test('restores of a truncated, a corrupt and a wrong-format backup fail with a reason and lose no task', async (ctx) => {
  const e = need(ctx.env, 'env');
  const { backupId } = await takeBackup(e);
  const dir = backupDirOf(e, 0);
  const good = readFileSync(join(dir, backupId));
  const tasks = await taskIds(e);
  let minute = 0;
  for (const [what, damage] of BROKEN_BACKUPS) {
    const id = `scheduler-backup-2020-01-01-00-${String(++minute).padStart(2, '0')}`;
    writeFileSync(join(dir, id), damage(good));
    const name = `broken-${minute}`;
    await createRestore(e, name, { backupId: id });
    const failed = await waitFor(`${name} (${what}) to fail`, 120_000, async () => {
      const r = await getRestore(e, name);
      return r?.status?.phase === 'Failed' ? r : undefined;
    });
    console.log(`${what} backup: Failed at ${failed.status?.error?.step}: ${failed.status?.error?.message}`);
    // the agent beside the file decodes it during validation, before any step touches the cluster
    assert.is(failed.status?.error?.step, 'Validate', `${what}: refused at Validate`);
    assert.match(failed.status?.error?.message ?? '', 'is not a backup Aurora can load');
    assert.match(failed.status?.error?.message ?? '', 'The cluster was not touched');
    await waitClusterReady(e);
    assert.equal(await taskIds(e), tasks, `${what}: the scheduler's tasks are unchanged`);
    // the suite's cluster has one replica
    assert.is(wipeCount(e, 0, failed.metadata.uid), 0, `${what}: the log was never moved aside`);
    await e.kubectl(['-n', NS, 'delete', 'aurorarestore', name, '--wait=true', '--timeout=60s']);
  }
  assert.equal(readFileSync(join(dir, backupId)), good, 'the good backup is untouched');
});

test('the operator logged no stack trace through all faults', async (ctx) => {
  const e = need(ctx.env, 'env');
  assert.equal(stackTraces(operatorLogs(e, await operatorPods(e))), []);
});

test.run();
