// AuroraClusters that would share ZooKeeper paths: the later one is refused and runs no scheduler (equal, nested
// or differently spelled paths, or a log owned by a marker of another cluster), the earlier one keeps serving
// with its tasks intact, a scheduler started by hand in its paths is reported, and `diagnose` shows the fix.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { startSimScheduler } from '../world/simulator/testing/sim-process.ts';
import { conditionOf, getCluster, holdsFor, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'aurora';
const test = suite<{ env?: E2eEnv; firstTasks?: string[] }>('zk-conflict', {});
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
// outside the suite's pod range (127.0.31.x): an address no pod of any cluster has
const HAND_RUN_IP = '127.0.99.7';

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.11');
  await ctx.env.kubectl(['create', 'namespace', NS]);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

// both keep the example's serversetPath and zkGroupPath; one replica each keeps the two CPUs free
function manifest(e: E2eEnv, name: string): string {
  return e.exampleManifest().replace('name: example', `name: ${name}`).replace('replicas: 3', 'replicas: 1');
}

async function podsOf(e: E2eEnv, cluster: string): Promise<string> {
  const out = await e.kubectl([
    '-n',
    NS,
    'get',
    'pods',
    '-l',
    `aurora-operator.io/cluster=${cluster}`,
    '-o',
    'name',
  ]);
  return out.trim();
}

async function isReady(e: E2eEnv, name: string): Promise<boolean> {
  return conditionOf(await getCluster(e, NS, name), 'Ready')?.status === 'True';
}

async function firstAdmin(e: E2eEnv) {
  const c = (await getCluster(e, NS, 'first')) as {
    status?: { leader?: string; members?: Array<{ name: string; podIP?: string }> };
  };
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error('first has no leader');
  return createAuroraAdminClient({ baseUrl: `http://${ip}:8081`, timeoutMs: 10_000 });
}

async function firstTasks(e: E2eEnv): Promise<string[]> {
  const tasks = await (await firstAdmin(e)).getTasksWithoutConfigs({});
  return tasks.map((t) => t.assignedTask.taskId).sort();
}

async function diagnose(e: E2eEnv, name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'diagnose', name, '-n', NS], {
    env: { ...process.env, KUBECONFIG: e.state.kubeconfigPath },
  });
  return stdout;
}

async function waitRefused(e: E2eEnv, name: string, owner: RegExp): Promise<string> {
  const c = await waitFor(`${name} to be Degraded ZooKeeperPathConflict`, 90_000, async () => {
    const cluster = await getCluster(e, NS, name);
    return conditionOf(cluster, 'Degraded')?.reason === 'ZooKeeperPathConflict' ? cluster : undefined;
  });
  const message = conditionOf(c, 'Degraded')?.message ?? '';
  assert.match(message, owner);
  return message;
}

test('the later of two clusters with the same paths is Degraded ZooKeeperPathConflict and runs no scheduler', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['apply', '-f', '-'], manifest(e, 'first'));
  await waitFor('first to be Ready and registered', 240_000, async () => {
    const c = await getCluster(e, NS, 'first');
    const ok =
      conditionOf(c, 'Ready')?.status === 'True' && conditionOf(c, 'FrameworkRegistered')?.status === 'True';
    return ok ? true : undefined;
  });
  await (
    await firstAdmin(e)
  ).createJob({
    key: { role: 'www', environment: 'prod', name: 'kept' },
    instanceCount: 3,
    taskConfig: { isService: true },
  });
  ctx.firstTasks = await firstTasks(e);
  assert.is(ctx.firstTasks.length, 3);
  await e.kubectl(['apply', '-f', '-'], manifest(e, 'second'));
  const refused = await waitFor('second to be Degraded ZooKeeperPathConflict', 60_000, async () => {
    const c = await getCluster(e, NS, 'second');
    return conditionOf(c, 'Degraded')?.reason === 'ZooKeeperPathConflict' ? c : undefined;
  });
  const degraded = conditionOf(refused, 'Degraded');
  assert.is(degraded?.status, 'True');
  assert.match(degraded?.message ?? '', /AuroraCluster aurora\/first/);
  assert.match(degraded?.message ?? '', /\/aurora\/scheduler/);
  assert.is(refused.status?.phase, 'Degraded');
  await holdsFor('first Ready and second without pods', 20_000, async () => {
    const second = await getCluster(e, NS, 'second');
    return (
      (await isReady(e, 'first')) &&
      (await podsOf(e, 'second')) === '' &&
      conditionOf(second, 'Degraded')?.reason === 'ZooKeeperPathConflict'
    );
  });
  const sts = await e.kubectl(['-n', NS, 'get', 'statefulsets', '-o', 'name']);
  assert.not.match(sts, /second/, 'no StatefulSet is created for the refused cluster');
});

test('giving the later cluster its own paths lets it start and become Ready', async (ctx) => {
  const e = env(ctx);
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'auroracluster',
    'second',
    '--type=merge',
    '-p',
    JSON.stringify({
      spec: {
        serversetPath: '/aurora/second/scheduler',
        replicatedLog: { zkGroupPath: '/aurora/second/replicated-log' },
      },
    }),
  ]);
  const ready = await waitFor('second to be Ready', 240_000, async () => {
    const c = await getCluster(e, NS, 'second');
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  assert.is(conditionOf(ready, 'Degraded')?.status, 'False');
  assert.ok(await isReady(e, 'first'), 'first is still Ready');
  assert.is.not(await podsOf(e, 'second'), '');
});

test('nested paths and another spelling of the same paths (chroot + path) are conflicts too', async (ctx) => {
  const e = env(ctx);
  // the serverset nested under first's; the same serverset node written as chroot + relative path
  const nested = manifest(e, 'nested')
    .replace('serversetPath: /aurora/scheduler', 'serversetPath: /aurora/scheduler/nested')
    .replace('zkGroupPath: /aurora/replicated-log', 'zkGroupPath: /nested/replicated-log');
  const chrooted = manifest(e, 'chrooted')
    .replace('serversetPath: /aurora/scheduler', 'serversetPath: /scheduler')
    .replace('    sessionTimeout: 15secs', '    sessionTimeout: 15secs\n    chrootPath: /aurora')
    .replace('zkGroupPath: /aurora/replicated-log', 'zkGroupPath: /chrooted/replicated-log');
  assert.match(chrooted, 'chrootPath: /aurora');
  await e.kubectl(['apply', '-f', '-'], nested);
  await e.kubectl(['apply', '-f', '-'], chrooted);
  assert.match(await waitRefused(e, 'nested', /AuroraCluster aurora\/first/), 'is nested with');
  assert.match(await waitRefused(e, 'chrooted', /AuroraCluster aurora\/first/), 'is the same node as');
  await holdsFor('no scheduler of the refused clusters runs', 10_000, async () => {
    return (await podsOf(e, 'nested')) === '' && (await podsOf(e, 'chrooted')) === '';
  });
  const refusedReport = await diagnose(e, 'chrooted');
  assert.match(refusedReport, 'CONFLICT: ZooKeeper path conflict');
  assert.match(refusedReport, 'kubectl -n aurora patch auroracluster chrooted --type=merge');
  const ownerReport = await diagnose(e, 'first');
  assert.match(ownerReport, 'aurora/nested (created later) shares these paths and is refused');
  assert.match(ownerReport, 'aurora/chrooted (created later) shares these paths and is refused');
  assert.match(ownerReport, 'Foreign members: none');
  await e.kubectl(['-n', NS, 'delete', 'auroracluster', 'nested', 'chrooted', '--wait=true']);
  assert.ok(await isReady(e, 'first'), 'first stayed Ready');
});

test('a cluster whose log group has the owner marker of another (deleted) cluster is refused', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['-n', NS, 'delete', 'auroracluster', 'second', '--wait=true']);
  await waitFor('the pods of second to be gone', 90_000, async () =>
    (await podsOf(e, 'second')) === '' ? true : undefined,
  );
  // second's paths with another name: no AuroraCluster in Kubernetes overlaps it, only second's marker does
  const heir = manifest(e, 'heir')
    .replace('serversetPath: /aurora/scheduler', 'serversetPath: /aurora/second/scheduler')
    .replace('zkGroupPath: /aurora/replicated-log', 'zkGroupPath: /aurora/second/replicated-log');
  await e.kubectl(['apply', '-f', '-'], heir);
  const message = await waitRefused(e, 'heir', /marker \/aurora\/second\/replicated-log-aurora-operator/);
  assert.match(message, 'names AuroraCluster aurora/second');
  await holdsFor('heir runs no scheduler and initializes nothing', 15_000, async () => {
    const c = await getCluster(e, NS, 'heir');
    return (await podsOf(e, 'heir')) === '' && conditionOf(c, 'ReplicatedLogInitialized')?.status !== 'True';
  });
  const report = await diagnose(e, 'heir');
  assert.match(report, 'aurora/second');
  assert.match(report, '(ANOTHER cluster), initialized at');
  await e.kubectl(['-n', NS, 'delete', 'auroracluster', 'heir', '--wait=true']);
});

test('a scheduler started by hand in the paths of a cluster is reported as a foreign member', async (ctx) => {
  const e = env(ctx);
  const foreignIn = async (): Promise<string> =>
    conditionOf(await getCluster(e, NS, 'first'), 'Degraded')?.message ?? '';
  // the copy-pasted flags of the example: first's serverset and log group, on the same ensemble
  const handRun = startSimScheduler({
    ip: HAND_RUN_IP,
    zkConnect: e.state.zookeeper,
    dir: mkdtempSync(join(tmpdir(), 'aurora-hand-run-')),
    quorum: 1,
  });
  try {
    const message = await waitFor('first to report the hand-run scheduler', 90_000, async () => {
      const m = await foreignIn();
      return m.includes(`${HAND_RUN_IP} (leader election)`) &&
        m.includes(`log-replica(1)@${HAND_RUN_IP}:8083 (log group)`)
        ? m
        : undefined;
    });
    assert.match(message, 'ForeignMembers:');
    const report = await diagnose(e, 'first');
    assert.match(report, `Foreign members (not pods of this cluster): ${HAND_RUN_IP} (leader election)`);
  } finally {
    await handRun.stop('SIGTERM');
  }
  await waitFor('the foreign member to be gone from first', 90_000, async () =>
    (await foreignIn()).includes('ForeignMembers') ? undefined : true,
  );
  assert.ok(await isReady(e, 'first'), 'first is still Ready');
  assert.equal(await firstTasks(e), ctx.firstTasks, 'first keeps its tasks, read through Thrift');
});

test.run();
