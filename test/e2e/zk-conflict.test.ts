// Two AuroraClusters with the same ZooKeeper paths: the later one is refused and runs no scheduler, the earlier
// one keeps serving, and giving the later one its own paths lets it start.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { conditionOf, getCluster, holdsFor, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'aurora';
const test = suite<{ env?: E2eEnv }>('zk-conflict', {});

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

test('the later of two clusters with the same paths is Degraded ZooKeeperPathConflict and runs no scheduler', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['apply', '-f', '-'], manifest(e, 'first'));
  await waitFor('first to be Ready', 240_000, async () => ((await isReady(e, 'first')) ? true : undefined));
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

test.run();
