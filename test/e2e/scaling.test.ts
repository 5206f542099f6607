// Scaling end to end: a 3-replica cluster with jobs goes to 5 and back to 3 in the quorum order while the operator
// is killed at every step; volumes grow in place where the StorageClass allows it, and bad input is refused.
import { suite } from 'uvu';
import { parse } from 'yaml';
import * as assert from 'uvu/assert';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv, SCHEDULERS } from './harness.ts';
import { createJob, NS, taskIds, waitClusterReady } from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('scaling', {});

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.17');
  await ctx.env.kubectl(['create', 'namespace', NS]);
  await ctx.env.kubectl(['apply', '-f', '-'], ctx.env.exampleManifest());
  await waitClusterReady(ctx.env);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

interface ScalingJson {
  status?: {
    leader?: string;
    quorumSize?: number;
    scaling?: { from: number; to: number; step: string };
    members?: Array<{ name: string; frameworkRegistered?: boolean; logRecovered?: boolean }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

const cluster = async (e: E2eEnv): Promise<ScalingJson> =>
  (await getCluster(e, NS, 'example')) as ScalingJson;

async function leaseHolder(e: E2eEnv): Promise<string | undefined> {
  const args = ['-n', OPERATOR_NAMESPACE, 'get', 'lease', 'aurora-operator-leader'];
  return (await e.kubectl([...args, '-o', 'jsonpath={.spec.holderIdentity}'])).trim() || undefined;
}

interface OperatorRun {
  pod: string;
  uid: string;
  containerID: string | undefined;
  restartCount: number;
  running: boolean;
}

/** operatorRuns: each operator pod with the container run it is on now. */
async function operatorRuns(e: E2eEnv): Promise<OperatorRun[]> {
  const list = JSON.parse(await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'json'])) as {
    items: Array<{
      metadata: { name: string; uid: string; deletionTimestamp?: string };
      status?: {
        containerStatuses?: Array<{
          name: string;
          containerID?: string;
          restartCount: number;
          state?: { running?: unknown };
        }>;
      };
    }>;
  };
  return list.items.map((p) => {
    const c = p.status?.containerStatuses?.find((s) => s.name === 'operator');
    return {
      pod: p.metadata.name,
      uid: p.metadata.uid,
      containerID: c?.containerID,
      restartCount: c?.restartCount ?? 0,
      running: c?.state?.running !== undefined && !p.metadata.deletionTimestamp,
    };
  });
}

/**
 * killOperator SIGKILLs the operator container of the Lease holder and waits until that pod runs the operator
 * again in a new container, or a new pod replaced it: a kill that hit nothing fails the test.
 */
async function killOperator(e: E2eEnv, holder: string): Promise<string> {
  const before = (await operatorRuns(e)).find((r) => r.pod === holder);
  if (!before?.running) throw new Error(`the Lease holder ${holder} runs no operator container to kill`);
  await e.signalContainer(OPERATOR_NAMESPACE, holder, 'operator', 'SIGKILL');
  return waitFor(`the operator in ${holder} to restart after SIGKILL`, 180_000, async () => {
    const runs = await operatorRuns(e);
    const same = runs.find((r) => r.uid === before.uid);
    if (same?.running && same.containerID !== before.containerID && same.restartCount > before.restartCount) {
      return `${holder} restarted (restartCount ${before.restartCount} → ${same.restartCount})`;
    }
    const replacement = runs.find((r) => r.running && r.uid !== before.uid && r.pod !== holder);
    if (!same && replacement) return `${holder} replaced by ${replacement.pod}`;
    return undefined;
  });
}

/**
 * scaleTo patches spec.replicas and SIGKILLs the operator holding the Lease once in every step it reports, each
 * kill confirmed by the restarted operator container before the change is watched further.
 */
async function scaleTo(e: E2eEnv, replicas: number): Promise<string[]> {
  const patch = JSON.stringify({ spec: { replicas } });
  await e.kubectl(['-n', NS, 'patch', 'auroracluster', 'example', '--type=merge', '-p', patch]);
  const killedIn: string[] = [];
  const messages = new Set<string>();
  const deadline = Date.now() + 480_000;
  type Seen = { step: string; holder: string } | { done: true };
  for (;;) {
    const probe = async (): Promise<Seen | undefined> => {
      const c = await cluster(e);
      const step = c.status?.scaling?.step;
      const progressing = conditionOf(c, 'Progressing');
      if (progressing?.status === 'True') messages.add(`${progressing.reason}: ${progressing.message}`);
      if (step && !killedIn.includes(step)) {
        const holder = await leaseHolder(e);
        if (holder) return { step, holder };
      }
      const ready = conditionOf(c, 'Ready')?.status === 'True';
      const done = !step && ready && c.status?.members?.length === replicas;
      return done ? { done } : undefined;
    };
    const seen = await waitFor(`the change to ${replicas} replicas`, deadline - Date.now(), probe);
    if ('done' in seen) break;
    killedIn.push(seen.step);
    console.log(`${seen.step}: ${await killOperator(e, seen.holder)}`);
  }
  assert.ok(messages.size > 0, 'the change showed Progressing messages');
  return killedIn;
}

async function assertServing(e: E2eEnv, replicas: number, tasks: string[]): Promise<void> {
  await waitClusterReady(e);
  const c = await cluster(e);
  assert.is(c.status?.members?.length, replicas);
  assert.is(c.status?.quorumSize, Math.floor(replicas / 2) + 1);
  assert.ok(
    c.status?.members?.every((m) => m.logRecovered === true),
    'every replica recovered its log',
  );
  const registered = c.status?.members?.filter((m) => m.frameworkRegistered === true) ?? [];
  assert.is(registered.length, 1, 'framework_registered sums to 1');
  const leaders = await e.kubectl([
    '-n',
    NS,
    'get',
    'pods',
    '-l',
    'aurora-operator.io/role=leader',
    '-o',
    'name',
  ]);
  assert.equal(leaders.trim().split('\n'), [`pod/${c.status?.leader}`], 'exactly one leader');
  assert.equal(await taskIds(e), tasks, 'the task state read through the Thrift API is unchanged');
  const args = (
    await e.kubectl([
      '-n',
      NS,
      'get',
      'pods',
      '-l',
      SCHEDULERS,
      '-o',
      'jsonpath={.items[*].spec.containers[0].args}',
    ])
  ).match(/-native_log_quorum_size=\d/g);
  assert.equal(
    [...new Set(args)],
    [`-native_log_quorum_size=${Math.floor(replicas / 2) + 1}`],
    'every scheduler runs the same quorum',
  );
}

test('3 → 5 → 3 with jobs, the operator killed in every step: same tasks, one leader, one registration', async (ctx) => {
  const e = env(ctx);
  await createJob(e, 2);
  const before = await waitFor('the job tasks', 60_000, async () => {
    const ids = await taskIds(e);
    return ids.length === 2 ? ids : undefined;
  });
  const up = await scaleTo(e, 5);
  assert.equal(
    up,
    ['Planned', 'RaiseQuorum', 'AddReplicas', 'WaitReady'].filter((s) => up.includes(s)),
  );
  // a step can finish between two polls; every step the poll saw was killed once, and at least two were seen
  console.log(`scale-up: operator killed in ${up.join(', ')}`);
  assert.ok(up.filter((s) => s !== 'Planned').length >= 2, `killed in ${up.join(', ')}`);
  await assertServing(e, 5, before);
  const down = await scaleTo(e, 3);
  console.log(`scale-down: operator killed in ${down.join(', ')}`);
  assert.equal(
    down,
    ['Planned', 'MoveLeader', 'RemoveReplicas', 'LowerQuorum', 'WaitReady'].filter((s) => down.includes(s)),
  );
  assert.ok(down.includes('RemoveReplicas') || down.includes('LowerQuorum'), `killed in ${down.join(', ')}`);
  await assertServing(e, 3, before);
  const pvcs = await e.kubectl(['-n', NS, 'get', 'pvc', '-o', 'jsonpath={.items[*].metadata.name}']);
  assert.ok(pvcs.includes('log-example-4') && pvcs.includes('backups-example-4'), 'PVCs are retained');
});

test('bad input is refused at admission: even and > 7 replicas, shrinking volumes', async (ctx) => {
  const e = env(ctx);
  const refused = async (patch: unknown): Promise<string> => {
    const args = ['-n', NS, 'patch', 'auroracluster', 'example', '--type=merge', '-p', JSON.stringify(patch)];
    const err = await e.kubectl(args).then(
      () => undefined,
      (failure: unknown) => String(failure),
    );
    if (err === undefined) assert.unreachable(`the patch ${JSON.stringify(patch)} should be refused`);
    return err ?? '';
  };
  assert.match(await refused({ spec: { replicas: 4 } }), 'replicas must be odd');
  assert.match(await refused({ spec: { replicas: 9 } }), 'less than or equal to 7');
  assert.match(
    await refused({ spec: { backup: { storage: { size: '1Mi' } } } }),
    'storage.size cannot shrink',
  );
});

test('growing a volume without allowVolumeExpansion is refused with a condition; with it the PVCs grow in place', async (ctx) => {
  const e = env(ctx);
  const backupsSize = async (claim: string): Promise<string> =>
    (
      await e.kubectl(['-n', NS, 'get', 'pvc', claim, '-o', 'jsonpath={.spec.resources.requests.storage}'])
    ).trim();
  const before = await backupsSize('backups-example-0');
  const patch = JSON.stringify({ spec: { backup: { storage: { size: '20Gi' } } } });
  await e.kubectl(['-n', NS, 'patch', 'auroracluster', 'example', '--type=merge', '-p', patch]);
  const degraded = await waitFor('VolumeExpansionRefused', 60_000, async () => {
    const d = conditionOf(await cluster(e), 'Degraded');
    return d?.reason === 'VolumeExpansionRefused' ? d : undefined;
  });
  assert.match(degraded.message, 'allowVolumeExpansion');
  assert.is(await backupsSize('backups-example-0'), before, 'the claim keeps its size');
  assert.is(before, '1Gi');

  await e.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'expandable' },
      provisioner: 'aurora-operator.io/local-pod-runtime',
      allowVolumeExpansion: true,
    }),
  );
  const grow = parse(e.exampleManifest()) as {
    metadata: { name: string };
    spec: Record<string, unknown> & {
      backup?: Record<string, unknown>;
      replicatedLog?: Record<string, unknown>;
    };
  };
  grow.metadata.name = 'grow';
  Object.assign(grow.spec, { clusterName: 'grow', replicas: 1, serversetPath: '/aurora/grow/scheduler' });
  grow.spec.replicatedLog = { ...grow.spec.replicatedLog, zkGroupPath: '/aurora/grow/replicated-log' };
  grow.spec.backup = {
    ...grow.spec.backup,
    storage: { size: '10Gi', storageClassName: 'expandable' },
  };
  await e.kubectl(['apply', '-f', '-'], JSON.stringify(grow));
  const claim = await waitFor('backups-grow-0 bound', 120_000, async () => {
    const out = await e
      .kubectl(['-n', NS, 'get', 'pvc', 'backups-grow-0', '-o', 'jsonpath={.status.phase}'])
      .catch(() => '');
    return out.trim() === 'Bound' ? out : undefined;
  });
  assert.is(claim.trim(), 'Bound');
  const podUid = await e.kubectl(['-n', NS, 'get', 'pod', 'grow-0', '-o', 'jsonpath={.metadata.uid}']);
  await e.kubectl(['-n', NS, 'patch', 'auroracluster', 'grow', '--type=merge', '-p', patch]);
  await waitFor('backups-grow-0 to request 20Gi', 60_000, async () => {
    const out = await e.kubectl([
      '-n',
      NS,
      'get',
      'pvc',
      'backups-grow-0',
      '-o',
      'jsonpath={.spec.resources.requests.storage}',
    ]);
    return out.trim() === '20Gi' ? out : undefined;
  });
  const after = await e.kubectl(['-n', NS, 'get', 'pod', 'grow-0', '-o', 'jsonpath={.metadata.uid}']);
  assert.is(after, podUid, 'grown in place: the scheduler pod was not replaced');
  const grown = (await getCluster(e, NS, 'grow')) as ScalingJson;
  assert.is.not(conditionOf(grown, 'Degraded')?.reason, 'VolumeExpansionRefused');
});

test.run();
