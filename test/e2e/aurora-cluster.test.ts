// AuroraCluster end to end: kubectl apply on the local environment, with the operator installed by its Helm chart.
import { rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../world/local-env/local-env.ts';
import { conditionOf, getCluster, holdsFor, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const test = suite<{ env?: E2eEnv }>('aurora-cluster', {});

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.2');
  await ctx.env.kubectl(['create', 'namespace', 'aurora']);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

test('kubectl apply of the example gives 3 schedulers, one leader, an initialized log and Ready=True', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['apply', '-f', '-'], e.exampleManifest());
  const ready = await waitFor('example to be Ready', 240_000, async () => {
    const c = await getCluster(e, 'aurora', 'example');
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  assert.is(ready.status?.readyReplicas, 3);
  assert.is(ready.status?.replicatedLog?.initialized, true);
  assert.is(conditionOf(ready, 'LeaderElected')?.status, 'True');
  assert.is(conditionOf(ready, 'FrameworkRegistered')?.status, 'True');
  const leaders = await e.kubectl([
    '-n',
    'aurora',
    'get',
    'pods',
    '-l',
    'aurora-operator.io/role=leader',
    '-o',
    'name',
  ]);
  assert.equal(
    leaders.trim().split('\n'),
    [`pod/${ready.status?.leader}`],
    'exactly the leader pod carries the label',
  );
  const pods = await e.kubectl(['-n', 'aurora', 'get', 'pods', '-o', 'jsonpath={.items[*].status.phase}']);
  assert.equal(pods.trim().split(' '), ['Running', 'Running', 'Running']);
  const table = await e.kubectl(['-n', 'aurora', 'get', 'auroraclusters']);
  assert.match(table, /NAME\s+REPLICAS\s+READY\s+LEADER\s+PHASE\s+AGE/);
  assert.match(table, new RegExp(`example\\s+3\\s+3\\s+${ready.status?.leader}\\s+Running`));
});

// A replica whose log-init runs only after a quorum reported an initialized log is refused by the status
// marker and catches up instead, so "once" means: never twice anywhere, at least a quorum, the rest refused.
test('the replicated log was initialized once, by the guarded log-init step, never twice on a replica', async (ctx) => {
  const e = env(ctx);
  let initialized = 0;
  for (const pod of ['example-0', 'example-1', 'example-2']) {
    const logs = e.podLogs('aurora', pod, 'log-init');
    const runs = logs.match(/log-init: initializing the replicated log/g)?.length ?? 0;
    assert.ok(runs <= 1, `${pod} initialized at most once: ${logs}`);
    if (runs === 0) assert.match(logs, /guard=allowed/, `${pod} was refused by the status marker`);
    initialized += runs;
  }
  assert.ok(initialized >= 2, `a quorum (2) initialized, got ${initialized}`);
  await waitFor('every replica to report log/recovered=1', 60_000, async () => {
    const c = await getCluster(e, 'aurora', 'example');
    return c.status?.members?.length === 3 && c.status.members.every((m) => m.logRecovered === true);
  });
});

test('a wiped replica is not re-initialized and rejoins from the quorum', async (ctx) => {
  const e = env(ctx);
  const podJson = async (): Promise<{ uid: string; ip?: string; ready: boolean }> => {
    const pod = JSON.parse(await e.kubectl(['-n', 'aurora', 'get', 'pod', 'example-1', '-o', 'json'])) as {
      metadata: { uid: string };
      status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
    };
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    return { uid: pod.metadata.uid, ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}), ready };
  };
  const before = await podJson();
  // empty the replica's log volume, then replace the pod, as after a disk replacement
  const dir = e.pvcDir('aurora', 'log-example-1');
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  await e.kubectl(['-n', 'aurora', 'delete', 'pod', 'example-1', '--wait=true']);
  const replacement = await waitFor('a new example-1 pod to be Ready', 120_000, async () => {
    const pod = await podJson();
    return pod.uid !== before.uid && pod.ready && pod.ip ? pod : undefined;
  });
  // the replica itself must report that it caught up from the quorum
  await waitFor('example-1 to report log/recovered=1', 120_000, async () => {
    const res = await fetch(`http://${replacement.ip}:8083/metrics/snapshot`, {
      signal: AbortSignal.timeout(2000),
    });
    const metrics = (await res.json()) as Record<string, number>;
    return metrics['log/recovered'] === 1 ? true : undefined;
  });
  await waitFor('the cluster to be Ready again', 120_000, async () => {
    const c = await getCluster(e, 'aurora', 'example');
    const member = c.status?.members?.find((m) => m.name === 'example-1');
    return member?.logRecovered === true && conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  const logs = e.podLogs('aurora', 'example-1', 'log-init');
  assert.is(
    logs.match(/log-init: initializing the replicated log/g)?.length ?? 0,
    1,
    'only the first pod initialized',
  );
  assert.match(logs, /guard=allowed/, 'the replacement pod was stopped by the status marker guard');
});

test('invalid manifests are rejected by the API server with clear messages', async (ctx) => {
  const e = env(ctx);
  const cases: Array<[string, RegExp]> = [
    ['even-replicas.yaml', /replicas must be odd/],
    ['bad-duration.yaml', /maxRegistrationDelay|Invalid value/],
    ['relative-path.yaml', /path|Invalid value/],
  ];
  for (const [file, message] of cases) {
    const err = await e
      .kubectl(['apply', '-f', join(REPO_ROOT, 'examples', 'invalid', file)])
      .then(() => undefined)
      .catch((error: unknown) => String((error as { stderr?: string }).stderr ?? error));
    assert.ok(err, `${file} was accepted`);
    assert.match(err ?? '', message, `${file}: ${err}`);
  }
  // replicas may change (test/e2e/scaling.test.ts), but never to an even count
  const even = await e
    .kubectl([
      '-n',
      'aurora',
      'patch',
      'auroracluster',
      'example',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":4}}',
    ])
    .then(() => undefined)
    .catch((error: unknown) => String((error as { stderr?: string }).stderr ?? error));
  assert.match(even ?? '', /replicas must be odd/);
});

test('a flag Aurora would not run is refused at admission naming the field; other clusters are untouched', async (ctx) => {
  const e = env(ctx);
  // CEL mirrors the operator's flag set (src/api/scheduler-flags.ts): the scheduler would exit 1 on this flag
  const manifest = e
    .exampleManifest()
    .replace('name: example', 'name: bad-flag')
    .replace('replicas: 3', 'replicas: 1')
    .replace('- -allowed_container_types=MESOS,DOCKER', '- -no_such_flag=1');
  let refusal = '';
  try {
    await e.kubectl(['apply', '-f', '-'], manifest);
  } catch (err) {
    refusal = err instanceof Error ? err.message : String(err);
  }
  assert.match(refusal, 'spec.extraArgs[0]');
  assert.match(refusal, '-no_such_flag=1');
  assert.match(refusal, 'is not an Aurora 0.22 scheduler flag');
  const clusters = await e.kubectl(['-n', 'aurora', 'get', 'auroraclusters', '-o', 'name']);
  assert.not.match(clusters, 'bad-flag', 'nothing was stored');
  await holdsFor('the other cluster Ready', 10_000, async () => {
    const example = await getCluster(e, 'aurora', 'example');
    return conditionOf(example, 'Ready')?.status === 'True';
  });
});

test('a wrong Mesos master address shows FrameworkRegistered=False with the seed remedy', async (ctx) => {
  const e = env(ctx);
  const manifest = e
    .exampleManifest()
    .replace('name: example', 'name: wrong-master')
    .replace('replicas: 3', 'replicas: 1')
    .replace(/masterAddress: zk:\/\/[^\n]+/, `masterAddress: zk://${e.state.zookeeper}/no-such-mesos`)
    .replace('maxRegistrationDelay: 1mins', 'maxRegistrationDelay: 20secs')
    .replace('/aurora/scheduler', '/aurora/wrong-master/scheduler')
    .replace('/aurora/replicated-log', '/aurora/wrong-master/replicated-log');
  await e.kubectl(['apply', '-f', '-'], manifest);
  const c = await waitFor('FrameworkRegistered=False on wrong-master', 120_000, async () => {
    const got = await getCluster(e, 'aurora', 'wrong-master');
    const cond = conditionOf(got, 'FrameworkRegistered');
    return cond?.status === 'False' && got.status?.replicatedLog?.initialized ? got : undefined;
  });
  const cond = conditionOf(c, 'FrameworkRegistered');
  assert.is(cond?.reason, 'NotRegistered');
  assert.match(cond?.message ?? '', /Framework has not been registered within the tolerated delay/);
  assert.match(cond?.message ?? '', /--zk/);
  assert.is(conditionOf(c, 'Ready')?.status, 'False');
  const events = await e.kubectl([
    '-n',
    'aurora',
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=wrong-master',
  ]);
  assert.match(events, /NotRegistered/);
});

test('of two operator replicas one holds the Lease, and the other takes over when it goes', async (ctx) => {
  const e = env(ctx);
  const holder = async (): Promise<string | undefined> =>
    (
      await e.kubectl([
        '-n',
        'aurora-operator',
        'get',
        'lease',
        'aurora-operator-leader',
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ])
    ).trim() || undefined;
  const pods = (
    await e.kubectl(['-n', 'aurora-operator', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'])
  )
    .trim()
    .split(' ');
  assert.is(pods.length, 2);
  const first = await waitFor('a lease holder', 30_000, holder);
  assert.ok(pods.includes(first), `${first} is one of ${pods.join(', ')}`);
  await e.kubectl(['-n', 'aurora-operator', 'delete', 'pod', first, '--wait=true']);
  const second = await waitFor('another lease holder', 90_000, async () => {
    const now = await holder();
    return now && now !== first ? now : undefined;
  });
  // the standby or the Deployment's replacement pod may win the race for the released lease
  const now = (
    await e.kubectl(['-n', 'aurora-operator', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'])
  )
    .trim()
    .split(' ');
  assert.ok(now.includes(second) && !now.includes(first), `${second} leads among ${now.join(', ')}`);
  // the new leader keeps reconciling: the cluster becomes and then stays Ready
  await waitFor('example Ready under the new leader', 60_000, async () => {
    const c = await getCluster(e, 'aurora', 'example');
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  await holdsFor('example Ready under the new leader', 20_000, async () => {
    const c = await getCluster(e, 'aurora', 'example');
    return conditionOf(c, 'Ready')?.status === 'True';
  });
});

test.run();
