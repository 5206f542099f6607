// Leader change: the leader's member_ node vanishes from the serverset (as when its ZooKeeper session is lost)
// and the time until status.leader is cleared is measured; the node is then put back as it was.
import { setTimeout as sleep } from 'node:timers/promises';
import zookeeper from 'node-zookeeper-client';
import { connectZk, type ZkSession } from '../test/world/simulator/zk-client.ts';
import { leaderOf, serversetPath } from './fleet-clusters.ts';
import type { FleetEnv } from './fleet-env.ts';
import { atMost, fmt, info, type ResultLine } from './fleet-report.ts';
import type { FleetContext } from './fleet-sections.ts';

const TARGET_MS = 1000;
const GIVE_UP_MS = 15_000;

/** the samples spread over the Ready clusters, so not only the first-created ones are measured */
export function sampleNames(ready: readonly string[], k: number): string[] {
  if (k <= 0 || ready.length === 0) return [];
  const step = ready.length / Math.min(k, ready.length);
  return Array.from({ length: Math.min(k, ready.length) }, (_, i) => ready[Math.floor(i * step)] ?? '');
}

/** polls status.leader without pause until want holds; milliseconds taken, measured to the answering call's end */
async function timeUntil(env: FleetEnv, name: string, want: (leader: string) => boolean): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < GIVE_UP_MS) {
    if (want(await leaderOf(env, name))) return Date.now() - start;
  }
  throw new Error(`status.leader of ${name} did not change within ${GIVE_UP_MS / 1000} s`);
}

async function sample(
  env: FleetEnv,
  zk: ZkSession,
  name: string,
): Promise<{ goneMs: number; backMs: number }> {
  const leader = await leaderOf(env, name);
  if (!leader) throw new Error(`${name} names no leader`);
  const path = serversetPath(name);
  const members = (await zk.children(path)).filter((n) => n.startsWith('member_'));
  if (members.length !== 1)
    throw new Error(`${name}: ${members.length} member_ nodes, expected the leader's only`);
  const node = `${path}/${members[0] ?? ''}`;
  const data = await zk.data(node);
  if (!data) throw new Error(`${node} has no data`);
  await zk.remove(node);
  try {
    const goneMs = await timeUntil(env, name, (l) => l === '');
    await zk.create(`${path}/member_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    return { goneMs, backMs: await timeUntil(env, name, (l) => l === leader) };
  } catch (err) {
    // put the node back whatever happened, so the cluster is left as it was found
    if (!(await zk.children(path)).some((n) => n.startsWith('member_')))
      await zk.create(`${path}/member_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    throw err;
  }
}

export async function leaderSection(ctx: FleetContext): Promise<ResultLine[]> {
  const names = sampleNames(ctx.ready, ctx.opts.leaderSamples);
  if (names.length === 0)
    return [info('leader change', 'no sample (no Ready cluster or --leader-samples 0)')];
  const zk = await connectZk({
    connectString: ctx.env.state.zookeeper,
    sessionTimeoutMs: 10_000,
    connectionTimeoutMs: 5000,
  });
  const gone: number[] = [];
  const back: number[] = [];
  try {
    for (const name of names) {
      ctx.progress(`leader change on ${name}`);
      // a quiet start: a pass running right at the change would blur the measurement
      await sleep(3000);
      const s = await sample(ctx.env, zk, name);
      gone.push(s.goneMs);
      back.push(s.backMs);
    }
  } finally {
    zk.close();
  }
  const max = Math.max(...gone);
  return [
    atMost(`leader cleared after member_ deleted, max of ${gone.length}`, max, TARGET_MS, ' ms'),
    ...gone.map((ms, i) => atMost(`  leader cleared: ${names[i] ?? ''}`, ms, TARGET_MS, ' ms')),
    info('leader shown again after member_ re-created', back.map((ms) => `${fmt(ms)} ms`).join(', ')),
  ];
}
