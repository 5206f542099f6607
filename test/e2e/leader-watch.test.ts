// A leader change that no pod event announces shows in status.leader within 2 s: the serverset's member node
// vanishes (as when the leader's ZooKeeper session is lost) and comes back, while every pod's status stays as it was;
// and a leader abdicating after maxLeadingDuration is replaced while the new leader's pod status stays as it was.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import zookeeper from 'node-zookeeper-client';
import { decodeMember, type Endpoint } from '../world/simulator/serverset.ts';
import { connectZk, type ZkSession } from '../world/simulator/zk-client.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv, SCHEDULERS } from './harness.ts';

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
  return e.kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'jsonpath={.items[*].status}']);
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

// A second cluster with its own ZooKeeper paths, so that its failovers never touch the first test's serverset.
const ABDICATING = 'abdicating';
const ABDICATING_SERVERSET = `/aurora/${ABDICATING}/scheduler`;
// short enough to wait for, long enough for three schedulers to start and the cluster to turn Ready in between
const MAX_LEADING = '45secs';
// one leading term plus the next leader's writer election and registration, with room to spare
const ABDICATION_WAIT_MS = 120_000;

interface PodSnapshot {
  /** when the read returned: the statuses it shows held at or before this moment */
  at: number;
  pods: Map<string, { podIP: string; status: string }>;
}

async function schedulerPods(e: E2eEnv, cluster: string): Promise<PodSnapshot> {
  const out = await e.kubectl([
    ...['-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${cluster}`, '-o', 'json'],
  ]);
  const at = Date.now();
  const list = JSON.parse(out) as {
    items: Array<{ metadata: { name: string }; status?: { podIP?: string } }>;
  };
  const pods = new Map(
    list.items.map((p) => [
      p.metadata.name,
      { podIP: p.status?.podIP ?? '', status: JSON.stringify(p.status) },
    ]),
  );
  return { at, pods };
}

async function leaderFields(e: E2eEnv, cluster: string): Promise<{ leader: string; endpoint: string }> {
  const out = await e.kubectl([
    ...[
      '-n',
      NS,
      'get',
      'auroracluster',
      cluster,
      '-o',
      'jsonpath={.status.leader}|{.status.leaderEndpoint}',
    ],
  ]);
  const [leader = '', endpoint = ''] = out.trim().split('|');
  return { leader, endpoint };
}

interface Member {
  node: string;
  endpoint: Endpoint;
}

async function members(zk: ZkSession, watcher?: () => void): Promise<Member[]> {
  const names = (await zk.children(ABDICATING_SERVERSET, watcher)).filter((n) => n.startsWith('member_'));
  const found: Member[] = [];
  for (const node of names) {
    const data = await zk.data(`${ABDICATING_SERVERSET}/${node}`);
    // gone between the two reads: it is no member any more, and its deletion fires the armed watch
    if (!data) continue;
    const endpoint = decodeMember(data.toString('utf8'));
    if (!endpoint) throw new Error(`${node} does not hold a serverset member: ${data.toString('utf8')}`);
    found.push({ node, endpoint });
  }
  return found;
}

const hostPort = (ep: Endpoint): string => `${ep.host}:${ep.port}`;

/**
 * Waits, by ZooKeeper children watches, for a member_ node of another host than oldHost; t0 is when the watch
 * event that announced it arrived, so the measurement starts no later than the operator could have heard of it.
 */
async function nextLeader(zk: ZkSession, oldHost: string): Promise<Member & { t0: number }> {
  const deadline = Date.now() + ABDICATION_WAIT_MS;
  let lastEvent: number | undefined;
  for (;;) {
    let wake: (at: number) => void = () => undefined;
    const changed = new Promise<number>((resolve) => (wake = resolve));
    const current = await members(zk, () => wake(Date.now()));
    const seen = current.map((m) => `${m.node}=${hostPort(m.endpoint)}`).join(', ') || 'none';
    const other = current.find((m) => m.endpoint.host !== oldHost);
    if (other) {
      if (lastEvent === undefined)
        throw new Error(
          `${other.node} of ${other.endpoint.host} was there before the watch: its moment is unknown`,
        );
      return { ...other, t0: lastEvent };
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    });
    lastEvent = await Promise.race([changed, timedOut]);
    clearTimeout(timer);
    if (lastEvent === undefined)
      throw new Error(
        `no member node of a host other than ${oldHost} within ${ABDICATION_WAIT_MS} ms; members: ${seen}`,
      );
  }
}

test('a leader abdicating after maxLeadingDuration is replaced in status.leader within 2 s, no pod event needed', async (ctx) => {
  const e = env(ctx);
  const zk = ctx.zk;
  if (!zk) throw new Error('no ZooKeeper session');
  const manifest = e
    .exampleManifest()
    .replace('name: example', `name: ${ABDICATING}`)
    .replace('/aurora/scheduler', ABDICATING_SERVERSET)
    .replace('/aurora/replicated-log', `/aurora/${ABDICATING}/replicated-log`)
    .replace('maxLeadingDuration: 6hrs', `maxLeadingDuration: ${MAX_LEADING}`);
  assert.ok(
    manifest.includes(`maxLeadingDuration: ${MAX_LEADING}`),
    'the manifest sets the short leading term',
  );
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitFor(`${ABDICATING} to be Ready`, 300_000, async () => {
    const c = await getCluster(e, NS, ABDICATING);
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  // the leader as ZooKeeper and status.leader both see it (a failover meanwhile just means the next one)
  const old = await waitFor('status.leader to name the one member node', 60_000, async () => {
    const [only, ...more] = await members(zk);
    const f = await leaderFields(e, ABDICATING);
    if (!only || more.length > 0 || !f.leader || f.endpoint !== hostPort(only.endpoint)) return undefined;
    return { pod: f.leader, host: only.endpoint.host };
  });

  // the pods' statuses, read over and over until status.leader names the new leader, to time every pod event
  const history: PodSnapshot[] = [];
  let snapshotError: unknown;
  let watching = true;
  const snapshots = (async () => {
    while (watching && snapshotError === undefined) {
      try {
        history.push(await schedulerPods(e, ABDICATING));
      } catch (err) {
        snapshotError = err;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  let next: Member & { t0: number };
  let named: { leader: string; endpoint: string } = { leader: '', endpoint: '' };
  let shownMs: number | undefined;
  try {
    next = await nextLeader(zk, old.host);
    const want = hostPort(next.endpoint);
    while (shownMs === undefined && Date.now() - next.t0 < 10_000) {
      named = await leaderFields(e, ABDICATING);
      if (named.leader && named.endpoint === want) shownMs = Date.now() - next.t0;
    }
    if (shownMs === undefined)
      throw new Error(
        `status.leader did not name ${want} within 10 s; last ${named.leader}|${named.endpoint}`,
      );
  } finally {
    watching = false;
    await snapshots;
  }
  if (snapshotError !== undefined) throw new Error(`reading the pods failed: ${String(snapshotError)}`);
  const { t0 } = next;
  history.push(await schedulerPods(e, ABDICATING));

  // from the last read before t0 to the first read after the update: every status change, timed against t0
  const first = history.findLastIndex((s) => s.at <= t0);
  if (first < 0) throw new Error('no read of the pods completed before the new member node appeared');
  const before = history[first];
  if (!before) throw new Error('the last read before the new member node is missing');
  const events: string[] = [];
  for (let i = first + 1; i < history.length; i++) {
    const [prev, cur] = [history[i - 1], history[i]];
    if (!prev || !cur) throw new Error(`pod read ${i} is missing`);
    for (const [name, pod] of cur.pods) {
      if (prev.pods.get(name)?.status !== pod.status)
        events.push(`${name} in (${prev.at - t0}, ${cur.at - t0}] ms`);
    }
  }
  const newLeaderChanged = events.some((ev) => ev.startsWith(`${named.leader} `));
  process.stdout.write(
    `\n  abdication: ${old.pod} -> ${named.leader} (${next.node}); status.leader named it ${shownMs} ms after ` +
      `the watch event (t0); pod status changes from ${before.at - t0} ms to the update: ` +
      `${events.join('; ') || 'none'} (new leader's pod changed: ${newLeaderChanged ? 'yes' : 'no'})\n`,
  );
  assert.is.not(named.leader, old.pod, 'another pod leads after the abdication');
  assert.is(
    before.pods.get(named.leader)?.podIP,
    next.endpoint.host,
    'status.leader names the pod the member advertises',
  );
  assert.not.ok(
    newLeaderChanged,
    `the new leader ${named.leader}'s pod status changed: a pod event could announce it`,
  );
  assert.ok(shownMs <= BOUND_MS, `the new leader showed in status.leader after ${shownMs} ms`);
  // the cause was the planned failover, not a crash that a pod event would also report
  await waitFor(`${old.pod}'s log to show the automatic failover`, 10_000, async () =>
    e.podLogs(NS, old.pod, 'scheduler').includes('Triggering automatic failover.'),
  );
});

test.run();
