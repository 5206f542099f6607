// A version change on a running cluster: a new image is a new pod template, rolled one scheduler at a time, each
// follower before the leader of the moment, and the cluster ends Ready on the new image with its log recovered; the
// new leader's scheduler log reads through `kubectl logs`; then spec.version 0.27.0 with a fork plugin flag in
// extraArgs rolls out the same way and every scheduler starts with the flag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conditionOf, getCluster, SCHEDULERS, startE2eEnv, waitForWithLogs, type E2eEnv } from './harness.ts';

const NS = 'aurora';
// the simulator's own tag of the same image: a different reference, so a different pod template
const NEW_IMAGE = 'aurora-scheduler-simulator:0.1.0';
let env: E2eEnv | undefined;

interface PodsJson {
  items: Array<{
    metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
    spec: { containers: Array<{ name: string; image: string }> };
  }>;
}

const e = (): E2eEnv => {
  if (!env) throw new Error('environment not started');
  return env;
};

async function pods(): Promise<PodsJson['items']> {
  return (
    JSON.parse(await e().kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'json'])) as PodsJson
  ).items;
}

const schedulerImage = (p: PodsJson['items'][number]): string | undefined =>
  p.spec.containers.find((c) => c.name === 'scheduler')?.image;

async function patchSpec(spec: Record<string, unknown>): Promise<void> {
  const patch = JSON.stringify({ spec });
  await e().kubectl(['-n', NS, 'patch', 'auroracluster', 'example', '--type=merge', '-p', patch]);
}

async function waitReady(what: string): Promise<void> {
  await waitForWithLogs(e(), what, 300_000, async () => {
    const c = await getCluster(e(), NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' && c.status?.readyReplicas === 3 ? c : undefined;
  });
}

test.before(async () => {
  env = await startE2eEnv('127.0.3.37');
  await env.kubectl(['create', 'namespace', NS]);
});

test.after(async () => {
  await env?.stop();
});

test('a changed spec.image and spec.version restart the schedulers one at a time, the leader last', async () => {
  await e().kubectl(['apply', '-f', '-'], e().exampleManifest());
  await waitReady('example Ready on aurora-scheduler:0.22.0');
  const before = new Map((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));
  assert.is(before.size, 3);

  await patchSpec({ image: NEW_IMAGE, version: '0.22.0' });

  // each poll: which pods were replaced, and who leads; a pod replaced while another was still outdated must not
  // have been the leader just before
  const order: Array<{ pod: string; leaderBefore: string | undefined; outdatedBefore: number }> = [];
  let leader = (await getCluster(e(), NS, 'example')).status?.leader;
  let outdated = before.size;
  await waitForWithLogs(e(), 'every scheduler replaced onto the new image', 600_000, async () => {
    const now = await pods();
    for (const p of now) {
      const replaced = before.get(p.metadata.name) !== p.metadata.uid;
      if (replaced && !order.some((o) => o.pod === p.metadata.name)) {
        order.push({ pod: p.metadata.name, leaderBefore: leader, outdatedBefore: outdated });
      }
    }
    outdated = before.size - order.length;
    leader = (await getCluster(e(), NS, 'example')).status?.leader;
    return order.length === before.size && now.every((p) => schedulerImage(p) === NEW_IMAGE)
      ? true
      : undefined;
  });

  const summary = JSON.stringify(order);
  assert.is(new Set(order.map((o) => o.pod)).size, 3, summary);
  for (const step of order.slice(0, -1)) {
    assert.is.not(step.pod, step.leaderBefore, `a follower goes first while others are outdated: ${summary}`);
  }
  // one at a time: no poll saw two pods replaced at once beyond the first
  assert.equal(
    order.map((o) => o.outdatedBefore),
    [3, 2, 1],
    summary,
  );
  await waitReady('example Ready again on the new image');
  const c = await getCluster(e(), NS, 'example');
  assert.ok(
    c.status?.members?.every((m) => m.logRecovered === true),
    JSON.stringify(c.status?.members),
  );
  // the new leader's output through the apiserver's pods/log proxy to the pod runtime
  const tail = await e().kubectl([
    '-n',
    NS,
    'logs',
    c.status?.leader ?? 'example-0',
    '-c',
    'scheduler',
    '--tail=3',
  ]);
  assert.is(tail.trimEnd().split('\n').length, 3, tail);
});

test('spec.version 0.27.0 with a fork plugin flag in extraArgs rolls out and the cluster is Ready, the flag taken', async () => {
  const spec = async (): Promise<{ version?: string; extraArgs: string[] }> =>
    JSON.parse(
      await e().kubectl(['-n', NS, 'get', 'auroracluster', 'example', '-o', 'jsonpath={.spec}']),
    ) as { version?: string; extraArgs: string[] };
  // a duration flag of the fork's HTTP offer set, 0.26.0 and later: refused at admission for 0.22.0
  const flag = '-http_offer_set_timeout=250ms';
  const extraArgs = [
    ...(await spec()).extraArgs,
    '-offer_set_module=io.github.aurora.scheduler.offers.HttpOfferSetModule',
    flag,
  ];
  const before = new Map((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));
  await patchSpec({ version: '0.27.0', extraArgs });
  await waitForWithLogs(e(), 'every scheduler replaced with the plugin flag', 600_000, async () => {
    const now = await pods();
    return now.length === 3 &&
      now.every((p) => before.get(p.metadata.name) !== p.metadata.uid && !p.metadata.deletionTimestamp)
      ? true
      : undefined;
  });
  await waitReady('example Ready on 0.27.0 with the plugin flag');
  assert.is((await spec()).version, '0.27.0');
  // each scheduler logged the flag among its parsed Parameters, so it started with it rather than exiting on it
  for (const p of await pods()) {
    const log = await e().kubectl(['-n', NS, 'logs', p.metadata.name, '-c', 'scheduler']);
    assert.match(log, 'http_offer_set_timeout: 250ms', p.metadata.name);
  }
});

test.run();
