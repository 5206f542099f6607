// `kubectl logs`, `logs -f` and `logs --previous` on a real cluster's scheduler and operator pods, and the image
// entrypoint hazard: the simulator image's entrypoint initializes the log on every start (as the aurora-scheduler
// fork's official image does), it really runs when a pod names no command, and it never runs in the operator's
// pods: no mark in any log volume, and the log keeps its tasks across scheduler restarts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import { getCluster, SCHEDULERS, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';
import { createJob, NS, taskIds, takeBackup, waitClusterReady } from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('scheduler-pod-logs', {});
const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.39');
  await ctx.env.kubectl(['create', 'namespace', NS]);
  await ctx.env.kubectl(['apply', '-f', '-'], ctx.env.exampleManifest());
  await waitClusterReady(ctx.env);
  await createJob(ctx.env, 2);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const MARK = '.entrypoint-ran';

/** restartCount of one container of a pod */
async function restarts(e: E2eEnv, namespace: string, pod: string, container: string): Promise<number> {
  const out = await e.kubectl([
    '-n',
    namespace,
    'get',
    'pod',
    pod,
    '-o',
    `jsonpath={.status.containerStatuses[?(@.name=="${container}")].restartCount}`,
  ]);
  return Number(out.trim() || '0');
}

/** killAndWaitRestart SIGKILLs a container and waits until the pod reports the restart and runs again. */
async function killAndWaitRestart(
  e: E2eEnv,
  namespace: string,
  pod: string,
  container: string,
): Promise<void> {
  const before = await restarts(e, namespace, pod, container);
  await e.signalContainer(namespace, pod, container, 'SIGKILL');
  await waitFor(`${pod}/${container} restarted`, 120_000, async () =>
    (await restarts(e, namespace, pod, container)) > before ? true : undefined,
  );
}

test('kubectl logs, logs -f and logs --previous on a scheduler pod', async (ctx) => {
  const e = env(ctx);
  const leader = (await getCluster(e, NS, 'example')).status?.leader;
  assert.ok(leader, 'a leader');
  const current = await e.kubectl(['-n', NS, 'logs', leader, '-c', 'scheduler']);
  assert.match(current, 'Elected as leading scheduler!');

  // -f: a backup taken while following is logged by the leader and streamed within a second
  const child = spawn(
    join(e.ctx.binDir, 'kubectl'),
    ['--kubeconfig', e.ctx.kubeconfigPath, '-n', NS, 'logs', '-f', '--tail=1', leader, '-c', 'scheduler'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor('kubectl logs -f to print its tail', 10_000, async () => (out ? true : undefined), 100);
    const sentAt = Date.now();
    const { backupId } = await takeBackup(e);
    const seenAt = await waitFor(
      'the backup line from kubectl logs -f',
      10_000,
      async () => (out.includes(`Saved backup ${backupId}`) ? Date.now() : undefined),
      50,
    );
    assert.ok(seenAt - sentAt < 2000, `the line came ${seenAt - sentAt} ms after the backup was asked for`);
    assert.is(child.exitCode, null, 'kubectl logs -f is still following');
  } finally {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  }

  // --previous: the run before a restart, which became leader; the new run's log starts afresh
  await killAndWaitRestart(e, NS, leader, 'scheduler');
  const previous = await e.kubectl(['-n', NS, 'logs', leader, '-c', 'scheduler', '--previous']);
  assert.match(previous, 'Elected as leading scheduler!');
  assert.match(previous, 'Saved backup');
  const now = await waitFor('the restarted scheduler to log', 60_000, async () => {
    const text = await e.kubectl(['-n', NS, 'logs', leader, '-c', 'scheduler']);
    return text.trim() ? text : undefined;
  });
  assert.not.match(now, 'Saved backup', 'the current log is the new run');
});

test('kubectl logs and logs --previous on an operator pod', async (ctx) => {
  const e = env(ctx);
  const pods = (
    await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'])
  )
    .trim()
    .split(/\s+/);
  const lease = JSON.parse(
    await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'lease', '-o', 'jsonpath={.items[0].spec}']),
  ) as { holderIdentity?: string };
  // the standby: killing it leaves the cluster to the leader
  const standby = pods.find((p) => !lease.holderIdentity?.startsWith(p));
  assert.ok(standby, `a standby among ${pods.join(', ')} (leader ${lease.holderIdentity})`);
  const before = await e.kubectl(['-n', OPERATOR_NAMESPACE, 'logs', standby, '--tail=3']);
  assert.ok(before.trim(), 'the standby has logged');
  const followed = await e.kubectl(['-n', OPERATOR_NAMESPACE, 'logs', standby, '--tail=1', '--timestamps']);
  assert.match(followed, /^\d{4}-\d\d-\d\dT/, 'timestamps');
  await killAndWaitRestart(e, OPERATOR_NAMESPACE, standby, 'operator');
  const previous = await e.kubectl(['-n', OPERATOR_NAMESPACE, 'logs', standby, '--previous']);
  assert.match(
    previous,
    before.trim().split('\n').at(-1) ?? 'no line',
    'the previous run holds the old lines',
  );
});

test("the image's entrypoint would initialize the log, and never runs in the operator's pods", async (ctx) => {
  const e = env(ctx);
  // a pod that names no command runs the entrypoint: it marks and initializes its log directory
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'entrypoint-probe', namespace: NS },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'scheduler',
          image: 'aurora-scheduler:0.22.0',
          args: ['-native_log_file_path=/tmp/probe-log'],
        },
      ],
    },
  };
  await e.kubectl(['apply', '-f', '-'], JSON.stringify(pod));
  const probeLog = await waitFor('the entrypoint to run', 120_000, async () => {
    const text = await e.kubectl(['-n', NS, 'logs', 'entrypoint-probe']).catch(() => '');
    return text.includes('aurora-entrypoint: mesos-log initialize --path=/tmp/probe-log') ? text : undefined;
  });
  assert.match(probeLog, 'aurora-entrypoint');
  await e.kubectl(['-n', NS, 'delete', 'pod', 'entrypoint-probe', '--wait=false']);

  await waitClusterReady(e);
  // the cluster's schedulers restarted (above, and once more here) and none ran it: no mark, tasks kept
  const tasks = await taskIds(e);
  assert.ok(tasks.length >= 2, `the job's tasks: ${tasks.join(', ')}`);
  const schedulers = (
    await e.kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'jsonpath={.items[*].metadata.name}'])
  )
    .trim()
    .split(/\s+/);
  for (const p of schedulers) await killAndWaitRestart(e, NS, p, 'scheduler');
  await waitClusterReady(e);
  const after = await waitFor('the tasks after the restarts', 60_000, async () => {
    const ids = await taskIds(e).catch(() => []);
    return ids.length === tasks.length ? ids : undefined;
  });
  assert.equal(after, tasks, 'the log kept its tasks');
  const claims = (await e.kubectl(['-n', NS, 'get', 'pvc', '-o', 'jsonpath={.items[*].metadata.name}']))
    .trim()
    .split(/\s+/)
    .filter((c) => c.startsWith('log'));
  assert.ok(claims.length >= 3, `log claims: ${claims.join(', ')}`);
  for (const claim of claims) {
    assert.ok(existsSync(e.pvcDir(NS, claim)), `${claim} is on disk`);
    assert.not.ok(existsSync(join(e.pvcDir(NS, claim), MARK)), `no entrypoint mark in ${claim}`);
  }
});

test.run();
