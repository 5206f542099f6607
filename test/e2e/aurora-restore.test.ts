// AuroraRestore end to end: Staged and Offline restores, approval, cancellation, a missing backup, and the operator
// killed after every step's action, on the local environment with the operator installed by its Helm chart.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAuroraAdminClient, type AuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { helm } from '../world/local-env/kubectl.ts';
import { OPERATOR_NAMESPACE, REPO_ROOT } from '../world/local-env/local-env.ts';
import { conditionOf, getCluster, startE2eEnv, StopWaiting, waitFor, type E2eEnv } from './harness.ts';

const test = suite<{ env?: E2eEnv }>('aurora-restore', {});
const NS = 'aurora';
const REPLICAS = 3;

interface RestoreJson {
  metadata: { uid: string; annotations?: Record<string, string> };
  status?: {
    phase?: string;
    step?: string;
    error?: { step?: string; message?: string };
    preview?: { taskCount?: number; byJob?: Record<string, number> };
    timeline?: Array<{ step: string; finishedAt?: string }>;
  };
}

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

async function getRestore(e: E2eEnv, name: string): Promise<RestoreJson | undefined> {
  const out = await e.kubectl(['-n', NS, 'get', 'aurorarestore', name, '-o', 'json', '--ignore-not-found']);
  return out.trim() ? (JSON.parse(out) as RestoreJson) : undefined;
}

async function createRestore(e: E2eEnv, name: string, spec: Record<string, unknown>, crash = false) {
  const manifest = {
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraRestore',
    metadata: {
      name,
      namespace: NS,
      ...(crash ? { annotations: { 'aurora-operator.io/test-exit-after-step-action': 'true' } } : {}),
    },
    spec: { cluster: 'example', ...spec },
  };
  await e.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
}

async function waitPhase(e: E2eEnv, name: string, phase: string, timeoutMs: number): Promise<RestoreJson> {
  return waitFor(`${name} to reach ${phase}`, timeoutMs, async () => {
    const r = await getRestore(e, name);
    if (r?.status?.phase === 'Failed' && phase !== 'Failed') {
      throw new StopWaiting(`${name} failed at ${r.status.error?.step}: ${r.status.error?.message}`);
    }
    return r?.status?.phase === phase ? r : undefined;
  });
}

async function leaderAdmin(e: E2eEnv): Promise<AuroraAdminClient> {
  const c = (await getCluster(e, NS, 'example')) as {
    status?: { leader?: string; members?: Array<{ name: string; podIP?: string }> };
  };
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error('no leader');
  return createAuroraAdminClient({ baseUrl: `http://${ip}:8081`, timeoutMs: 10_000 });
}

async function waitClusterReady(e: E2eEnv): Promise<void> {
  await waitFor('example Ready with a registered leader', 300_000, async () => {
    const c = await getCluster(e, NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' &&
      conditionOf(c, 'FrameworkRegistered')?.status === 'True'
      ? c
      : undefined;
  });
}

async function taskIds(e: E2eEnv): Promise<string[]> {
  const admin = await leaderAdmin(e);
  return (await admin.getTasksWithoutConfigs({})).map((t) => t.assignedTask.taskId).sort();
}

let jobCounter = 0;
async function createJob(e: E2eEnv, instances: number): Promise<void> {
  const admin = await leaderAdmin(e);
  const key = { role: 'www', environment: 'prod', name: `job${jobCounter++}` };
  await admin.createJob({ key, instanceCount: instances, taskConfig: { isService: true } });
}

/** takeBackup writes a backup on the leader and returns its name and the task ids it holds. */
async function takeBackup(e: E2eEnv): Promise<{ backupId: string; tasks: string[] }> {
  const admin = await leaderAdmin(e);
  const tasks = await taskIds(e);
  await admin.performBackup();
  const names = (await admin.listBackups()).filter((n) => n.startsWith('scheduler-backup-')).sort();
  const backupId = names.at(-1);
  if (!backupId) throw new Error('no backup written');
  return { backupId, tasks };
}

async function assertRestoredCluster(e: E2eEnv, expectedTasks: string[]): Promise<void> {
  await waitClusterReady(e);
  const tasks = await waitFor('the restored task set', 60_000, async () => {
    const ids = await taskIds(e);
    return JSON.stringify(ids) === JSON.stringify(expectedTasks) ? ids : undefined;
  }).catch(async () => taskIds(e));
  assert.equal(tasks, expectedTasks, 'the scheduler holds exactly the tasks of the backup');
  const args = await e.kubectl([
    '-n',
    NS,
    'get',
    'sts',
    'example',
    '-o',
    'jsonpath={.spec.template.spec.containers[0].args}',
  ]);
  assert.not.match(args, 'no-mesos-master', 'the StatefulSet is back in its normal configuration');
  assert.match(args, '-mesos_master_address=zk://');
  assert.is(
    await e.kubectl(['-n', NS, 'get', 'sts', 'example', '-o', 'jsonpath={.spec.replicas}']),
    String(REPLICAS),
  );
  const policies = await e.kubectl(['-n', NS, 'get', 'networkpolicy', '-o', 'name']);
  assert.is(policies.trim(), '', 'client traffic is unblocked');
  const annotations = await e.kubectl([
    '-n',
    NS,
    'get',
    'auroracluster',
    'example',
    '-o',
    'jsonpath={.metadata.annotations}',
  ]);
  assert.not.match(annotations, 'restore-lock', 'the cluster is unlocked');
  const cm = await e.kubectl([
    '-n',
    NS,
    'get',
    'configmap',
    'example-restore',
    '--ignore-not-found',
    '-o',
    'name',
  ]);
  assert.is(cm.trim(), '', 'the restore ConfigMap is gone');
}

function markersOf(e: E2eEnv, ordinal: number): string[] {
  const dir = join(e.pvcDir(NS, `backups-example-${ordinal}`), '.aurora-operator');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.done')) : [];
}

function wipeCount(e: E2eEnv, ordinal: number, uid: string): number {
  const logs = e.podLogs(NS, `example-${ordinal}`, 'log-init');
  return logs.match(new RegExp(`restore ${uid}: wiped and initialized`, 'g'))?.length ?? 0;
}

test.before(async (ctx) => {
  const e = await startE2eEnv('127.0.3.3');
  ctx.env = e;
  // the exit hook only fires for restores that carry the test annotation
  await helm(e.ctx, [
    'upgrade',
    'aurora-operator',
    join(REPO_ROOT, 'charts', 'aurora-operator'),
    '--namespace',
    OPERATOR_NAMESPACE,
    '--reuse-values',
    '--set',
    'extraEnv[0].name=AURORA_OPERATOR_EXIT_AFTER_STEP_ACTION',
    '--set-string',
    'extraEnv[0].value=1',
  ]);
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'rollout',
    'status',
    'deploy/aurora-operator',
    '--timeout=180s',
  ]);
  await e.kubectl(['create', 'namespace', NS]);
  // no periodic backups during the test: a backup in the same minute would overwrite the one being restored
  const manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitClusterReady(e);
  await createJob(e, 2);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

test('a backup that exists nowhere fails at validation with a clear message and the cluster untouched', async (ctx) => {
  const e = env(ctx);
  const before = await e.kubectl(['-n', NS, 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.uid}']);
  await createRestore(e, 'missing', { backupId: 'scheduler-backup-2001-01-01-00-00' });
  const r = await waitPhase(e, 'missing', 'Failed', 120_000);
  assert.is(r.status?.error?.step, 'Validate');
  assert.match(r.status?.error?.message ?? '', /scheduler-backup-2001-01-01-00-00 exists on no replica/);
  assert.match(r.status?.error?.message ?? '', /not touched/);
  const c = await getCluster(e, NS, 'example');
  assert.is(conditionOf(c, 'Ready')?.status, 'True');
  assert.is(await e.kubectl(['-n', NS, 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.uid}']), before);
  const annotations = await e.kubectl([
    '-n',
    NS,
    'get',
    'auroracluster',
    'example',
    '-o',
    'jsonpath={.metadata.annotations}',
  ]);
  assert.not.match(annotations, 'restore-lock');
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'missing', '--wait=true', '--timeout=60s']);
});

test('Staged with approval: waits at Approval with the preview, approval continues, tasks equal the backup', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  assert.ok((await taskIds(e)).length > tasks.length, 'more tasks exist than in the backup');
  await createRestore(e, 'staged', { backupId, approval: { required: true } });
  const waiting = await waitPhase(e, 'staged', 'AwaitingApproval', 300_000);
  assert.is(waiting.status?.step, 'Approval');
  assert.is(waiting.status?.preview?.taskCount, tasks.length);
  assert.ok(waiting.status?.preview?.byJob?.['www/prod/job0']);
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'aurorarestore',
    'staged',
    '--type=merge',
    '-p',
    '{"spec":{"approval":{"approved":true}}}',
  ]);
  const done = await waitPhase(e, 'staged', 'Succeeded', 300_000);
  assert.ok(
    done.status?.timeline?.every((t) => t.finishedAt),
    'every step finished',
  );
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++)
    assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped once`);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'staged', '--wait=true', '--timeout=60s']);
});

test('Offline: recovery-tool on ordinal 0, quorum then all; tasks equal the backup', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'offline', { backupId, strategy: 'Offline' });
  const done = await waitPhase(e, 'offline', 'Succeeded', 300_000);
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.wipe-and-recover.done`), `example-${i} marker`);
  }
  assert.match(e.podLogs(NS, 'example-0', 'log-init'), `restore ${done.metadata.uid}: recovered ${backupId}`);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'offline', '--wait=true', '--timeout=60s']);
});

test('deleting a restore before commit leaves the cluster as it was and running', async (ctx) => {
  const e = env(ctx);
  const { backupId } = await takeBackup(e);
  await createJob(e, 1);
  const before = await taskIds(e);
  await createRestore(e, 'cancelled', { backupId, approval: { required: true } });
  await waitPhase(e, 'cancelled', 'AwaitingApproval', 300_000);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'cancelled', '--wait=false']);
  await waitFor('the cancelled restore to go away', 300_000, async () =>
    (await getRestore(e, 'cancelled')) === undefined ? true : undefined,
  );
  await assertRestoredCluster(e, before);
});

test('the operator killed after every step action still ends in the same state, logs wiped once per replica', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'crashing', { backupId }, true);
  const done = await waitPhase(e, 'crashing', 'Succeeded', 1_200_000);
  const crashed =
    (await getRestore(e, 'crashing'))?.metadata.annotations?.['aurora-operator.io/test-crashed-steps'] ?? '';
  for (const step of [
    'Lock',
    'BlockTraffic',
    'StopSchedulers',
    'Configure',
    'StartSchedulers',
    'StageRecovery',
    'Commit',
    'RestoreConfiguration',
    'UnblockTraffic',
    'Unlock',
  ]) {
    assert.ok(crashed.split(',').includes(step), `the operator exited after ${step}: ${crashed}`);
  }
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped exactly once`);
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.wipe.done`));
  }
});

test.run();
