// A leader change that no pod event announces shows in status.leader within 2 s: the serverset's member node
// vanishes (as when the leader's ZooKeeper session is lost) and comes back, while every pod's status stays as it was.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import zookeeper from 'node-zookeeper-client';
import { connectZk, type ZkSession } from '../world/simulator/zk-client.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'aurora';
const SERVERSET = '/aurora/scheduler';
// well above a pass's own time, well below the 30 s periodic pass and the 5 s not-ready pass
const BOUND_MS = 2000;
const test = suite<{ env?: E2eEnv; zk?: ZkSession }>('leader-watch', {});

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.14');
  await ctx.env.kubectl(['create', 'namespace', NS]);
  ctx.zk = await connectZk({
    connectString: ctx.env.state.zookeeper,
    sessionTimeoutMs: 10_000,
    connectionTimeoutMs: 5000,
  });
});

test.after(async (ctx) => {
  ctx.zk?.close();
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

async function leaderOf(e: E2eEnv): Promise<string> {
  return e.kubectl(['-n', NS, 'get', 'auroracluster', 'watched', '-o', 'jsonpath={.status.leader}']);
}

// the pods' status as the pod runtime writes it (the operator itself moves the leader label in between)
async function podStatuses(e: E2eEnv): Promise<string> {
  return e.kubectl(['-n', NS, 'get', 'pods', '-o', 'jsonpath={.items[*].status}']);
}

/** polls status.leader without pause until it satisfies want; returns the milliseconds it took */
async function timeUntil(e: E2eEnv, want: (leader: string) => boolean): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < 10_000) {
    if (want(await leaderOf(e))) return Date.now() - start;
  }
  throw new Error('status.leader did not change within 10 s');
}

test('the leader vanishing from the serverset and coming back each show in status.leader within 2 s', async (ctx) => {
  const e = env(ctx);
  const zk = ctx.zk;
  if (!zk) throw new Error('no ZooKeeper session');
  const manifest = e
    .exampleManifest()
    .replace('name: example', 'name: watched')
    .replace('replicas: 3', 'replicas: 1');
  await e.kubectl(['apply', '-f', '-'], manifest);
  const ready = await waitFor('watched to be Ready', 240_000, async () => {
    const c = await getCluster(e, NS, 'watched');
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  const leader = ready.status?.leader ?? '';
  assert.ok(leader, 'a Ready cluster names its leader');
  // a quiet start: a pass right before the change would make the bound meaningless
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const members = (await zk.children(SERVERSET)).filter((n) => n.startsWith('member_'));
  assert.is(members.length, 1, 'one member node: the leader');
  const node = `${SERVERSET}/${members[0] ?? ''}`;
  const data = await zk.data(node);
  assert.ok(data, 'the member node has data');
  const podsBefore = await podStatuses(e);

  await zk.remove(node);
  const goneMs = await timeUntil(e, (l) => l === '');
  await zk.create(`${SERVERSET}/member_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
  const backMs = await timeUntil(e, (l) => l === leader);

  process.stdout.write(`\n  status.leader cleared after ${goneMs} ms, back after ${backMs} ms\n`);
  assert.is(await podStatuses(e), podsBefore, 'no pod status changed: no pod event announced either change');
  assert.ok(goneMs <= BOUND_MS, `the vanished leader showed after ${goneMs} ms`);
  assert.ok(backMs <= BOUND_MS, `the returned leader showed after ${backMs} ms`);
});

test.run();
