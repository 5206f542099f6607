// `kubectl logs` against the local environment: the apiserver proxies pods/log to the pod runtime's kubelet API,
// which serves each container's output (tail, follow, previous run) to the apiserver's client certificate only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'undici';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ControlPlane } from '../world/local-env/control-plane.ts';
import { kubectl, type ToolContext } from '../world/local-env/kubectl.ts';
import type { PodRuntime } from '../world/local-env/pod-runtime/main.ts';
import { StopWaiting } from '../support/wait-for.ts';
import { busyboxPod, waitFor, waitForPod, type Clients } from './fixtures/pod-runtime/harness.ts';
import { startRuntimeWorld, type RuntimeWorld } from './fixtures/pod-runtime/runtime-world.ts';
import { formatLogTails, podLogTails, waitForWithLogs } from './operator-log-harness.ts';

const ns = 'kubectl-logs-e2e';
let world: RuntimeWorld | undefined;
let cp: ControlPlane;
let runtime: PodRuntime;
let k: Clients;
let ctx: ToolContext;

const logs = (args: string[]): Promise<string> => kubectl(ctx, ['-n', ns, 'logs', ...args]);

/** polls `kubectl logs` until its output matches (the container may not have written yet) */
function waitForLogs(args: string[], pattern: RegExp): Promise<string> {
  return waitFor(`kubectl logs ${args.join(' ')} to match ${pattern}`, async () => {
    const out = await logs(args).catch(() => '');
    return pattern.test(out) ? out : undefined;
  });
}

test.before(async () => {
  world = await startRuntimeWorld('kubectl-logs-e2e', ns);
  ({ cp, runtime, k } = world);
  ctx = { binDir: cp.binDir, kubeconfigPath: cp.kubeconfigPath };
});

test.after(async () => {
  await world?.stop();
});

test('the Node publishes its InternalIP and the kubelet port the apiserver proxies to', async () => {
  const node = await k.core.readNode({ name: runtime.nodeName });
  assert.is(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, runtime.kubeletEndpoint.port);
  assert.ok(node.status?.addresses?.some((a) => a.type === 'InternalIP' && a.address === '127.0.0.1'));
});

test('kubectl logs returns a running pod its output; --tail=2 its last two lines; --timestamps dates them', async () => {
  await k.core.createNamespacedPod({
    namespace: ns,
    body: busyboxPod(ns, 'talker', 'echo one; echo two; echo three; sleep 3600'),
  });
  assert.is(await waitForLogs(['talker'], /three/), 'one\ntwo\nthree\n');
  assert.is(await logs(['talker', '--tail=2']), 'two\nthree\n');
  assert.is(await logs(['talker', '-c', 'main', '--limit-bytes=6']), 'one\ntw');
  const stamped = (await logs(['talker', '--timestamps', '--since=1h'])).trim().split('\n');
  assert.is(stamped.length, 3, stamped.join('\n'));
  for (const line of stamped) {
    const [time = '', text] = line.split(' ');
    assert.ok(Math.abs(Date.now() - Date.parse(time)) < 120_000, `${line}: dated when it was written`);
    assert.ok(['one', 'two', 'three'].includes(text ?? ''), line);
  }
});

test('kubectl logs -f streams a line written after it started', async () => {
  await k.core.createNamespacedPod({
    namespace: ns,
    body: busyboxPod(ns, 'ticker', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done'),
  });
  await waitForLogs(['ticker'], /tick 2/);
  const child = spawn(
    path.join(cp.binDir, 'kubectl'),
    ['--kubeconfig', cp.kubeconfigPath, '-n', ns, 'logs', '-f', '--tail=1', 'ticker'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const ticks = await waitFor(
      'two ticks from kubectl logs -f',
      async () => {
        const seen = [...out.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
        return seen.length >= 2 ? seen : undefined;
      },
      10_000,
    );
    // the first line is the tail at the start; the next was written while kubectl was following
    assert.is(ticks[1], (ticks[0] ?? 0) + 1, `kubectl logs -f printed ${JSON.stringify(out)} ${err}`);
    assert.is(child.exitCode, null, 'kubectl logs -f is still following');
  } finally {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  }
});

test('kubectl logs --previous after a container restart returns the previous run', async () => {
  // each run counts itself in an emptyDir that outlives restarts; the second run stays up
  const script =
    'n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; echo run $n; ' +
    'if [ $n -ge 2 ]; then sleep 3600; fi; exit 1';
  await k.core.createNamespacedPod({
    namespace: ns,
    body: busyboxPod(
      ns,
      'restarter',
      script,
      { volumes: [{ name: 'data', emptyDir: {} }] },
      { volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ),
  });
  await waitForPod(
    k.core,
    ns,
    'restarter',
    (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
  );
  assert.is(await waitForLogs(['restarter'], /run 2/), 'run 2\n');
  assert.is(await logs(['restarter', '--previous']), 'run 1\n');
  const refused = await logs(['talker', '--previous']).then(
    () => 'answered',
    (e: unknown) => String(e),
  );
  assert.match(refused, /previous terminated container "main" in pod "talker" not found/);
});

test('the kubelet API refuses a caller without the apiserver client certificate', async () => {
  const { host, port } = runtime.kubeletEndpoint;
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(cp.caFile) } });
  try {
    const res = await request(`https://${host}:${port}/containerLogs/${ns}/talker/main`, { dispatcher });
    assert.is(res.statusCode, 401);
    assert.match(await res.body.text(), /client certificate/);
  } finally {
    await dispatcher.close();
  }
});

test("a timed-out wait ends with each replica's last 40 lines through kubectl logs, the Lease holder marked", async () => {
  // two replicas as the operator's Deployment has, and a Lease naming the second as leader
  const script = 'i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo "line $i"; done; sleep 3600';
  for (const name of ['replica-a', 'replica-b']) {
    await k.core.createNamespacedPod({ namespace: ns, body: busyboxPod(ns, name, script) });
    await waitForLogs([name], /line 100/);
  }
  const lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'replicas-leader', namespace: ns },
    spec: { holderIdentity: 'replica-b' },
  };
  await kubectl(ctx, ['apply', '-f', '-'], JSON.stringify(lease));
  const source = {
    namespace: ns,
    selector: 'app in (replica-a,replica-b)',
    container: 'main',
    lease: 'replicas-leader',
  };
  const env = { operatorLogs: (n: number) => podLogTails((args) => kubectl(ctx, args), source, n) };
  const failed = async (p: Promise<unknown>): Promise<Error> => {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    throw new Error('the wait must fail');
  };

  const timedOut = await failed(
    waitForWithLogs(env, 'a state that never comes', 1500, async () => undefined, 500),
  );
  assert.match(timedOut.message, /^timed out after 1500ms waiting for a state that never comes\n/);
  assert.match(timedOut.message, '--- replica-a: last 40 lines ---\nline 61\n');
  assert.match(timedOut.message, '--- replica-b (leader): last 40 lines ---\nline 61\n');
  assert.match(timedOut.message, /line 100$/);
  assert.not.match(timedOut.message, /^line 60$/m);
  assert.match(timedOut.stack ?? '', 'replica-b (leader)', 'uvu prints the stack: it carries the log too');

  // a wait ended by StopWaiting (e.g. a restore Failed) keeps its class and gets the log as well
  const stopped = await failed(
    waitForWithLogs(env, 'a phase', 10_000, () => Promise.reject(new StopWaiting('r1 failed at Validate'))),
  );
  assert.instance(stopped, StopWaiting);
  assert.match(
    stopped.message,
    /^r1 failed at Validate\noperator log \(kubectl logs --tail=40\):\n--- replica-a/,
  );
});

test('the appended log is bounded: long lines are cut and each replica keeps its newest lines within its share', () => {
  const long = (i: number): string => `${i} ${'x'.repeat(2000)}`;
  const log = Array.from({ length: 100 }, (_, i) => long(i + 1)).join('\n');
  const out = formatLogTails(
    [
      { pod: 'op-a', leader: true, log },
      { pod: 'op-b', leader: false, log },
    ],
    40,
  );
  assert.ok(out.length <= 12_000 + 200, `${out.length} characters`);
  assert.match(out, /^--- op-a \(leader\): last \d+ lines ---\n/);
  assert.match(out, /\n--- op-b: last \d+ lines ---\n/);
  assert.match(out, /^100 x{396}…$/m, 'the newest line is kept, cut to 400 characters');
  assert.not.match(out, /^60 /m, 'nothing older than the tail');
  assert.is(formatLogTails([], 40), '(no pod matched)');
});

test.run();
