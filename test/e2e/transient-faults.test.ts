// Transient faults the operator must wait out without acting on a partial view: an operator started while the
// apiserver refuses its LISTs writes nothing until every cache has synced, then makes its AuroraCluster Ready.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { operatorPods } from './fault-harness.ts';
import { holdsFor, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';
import { startListRefusingProxy, type ListRefusingProxy, type SeenRequest } from './list-refusing-proxy.ts';
import { NS, waitClusterReady } from './restore-fixture.ts';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';

interface Ctx {
  env?: E2eEnv;
  proxy?: ListRefusingProxy;
}
const test = suite<Ctx>('transient-faults', {});

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} not set up`);
  return value;
};

/** Each refusal phase lasts this long after it began to refuse the operator (its retries must come and go). */
const REFUSED_FOR_MS = 15_000;

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.19');
});

test.after(async (ctx) => {
  await ctx.proxy?.close();
  await ctx.env?.stop();
});

const operator = (e: E2eEnv, args: string[]) => e.kubectl(['-n', OPERATOR_NAMESPACE, ...args]);

// the lease is how the operator leads; any other write before its caches synced is a controller acting blind
const isWrite = (r: SeenRequest): boolean => r.method !== 'GET' && !r.path.includes('/leases');

/** writtenByOperator: what the operator wrote, read from the apiserver directly (not through the proxy). */
async function writtenByOperator(e: E2eEnv): Promise<string[]> {
  const objects = await e.kubectl([
    '-n',
    NS,
    'get',
    'statefulsets,services,configmaps,secrets,poddisruptionbudgets,networkpolicies',
    '-o',
    'name',
  ]);
  const created = objects
    .split('\n')
    .filter((n) => n.trim() && n !== 'configmap/kube-root-ca.crt' && !n.startsWith('secret/default-token'));
  const cluster = JSON.parse(
    await e.kubectl(['-n', NS, 'get', 'auroracluster', 'example', '-o', 'json']),
  ) as {
    status?: unknown;
    metadata: { managedFields?: Array<{ manager?: string }>; finalizers?: string[] };
  };
  const managers = (cluster.metadata.managedFields ?? [])
    .map((f) => f.manager ?? '')
    .filter((m) => !m.startsWith('kubectl'));
  return [
    ...created,
    ...(cluster.status === undefined ? [] : [`status ${JSON.stringify(cluster.status)}`]),
    ...managers.map((m) => `a field manager ${m}`),
    ...(cluster.metadata.finalizers ?? []).map((f) => `finalizer ${f}`),
  ];
}

async function assertNothingWritten(e: E2eEnv, proxy: ListRefusingProxy, what: string): Promise<void> {
  await holdsFor(what, REFUSED_FOR_MS, async () => {
    const written = await writtenByOperator(e);
    const through = proxy.seen.filter(isWrite).map((r) => `${r.method} ${r.path}`);
    if (written.length === 0 && through.length === 0) return true;
    throw new Error(`${what}, but the operator wrote: ${[...written, ...through].join('; ')}`);
  });
}

test('LISTs refused at start: the operator writes nothing until all its caches synced, then the cluster is Ready', async (ctx) => {
  const e = need(ctx.env, 'env');
  await operator(e, ['scale', 'deploy/aurora-operator', '--replicas=0']);
  await waitFor('the operator pods to go away', 120_000, async () =>
    (await operatorPods(e)).length === 0 ? true : undefined,
  );
  const proxy = await startListRefusingProxy(e);
  ctx.proxy = proxy;
  proxy.refuse(() => true);
  const port = String(proxy.port);
  // the pod runtime hands pods the apiserver's address in these variables; the container's own env overrides them
  await operator(e, [
    'set',
    'env',
    'deploy/aurora-operator',
    'KUBERNETES_SERVICE_HOST=127.0.0.1',
    `KUBERNETES_SERVICE_PORT=${port}`,
    `KUBERNETES_SERVICE_PORT_HTTPS=${port}`,
  ]);
  await e.kubectl(['create', 'namespace', NS]);
  const manifest = e
    .exampleManifest()
    .replace('replicas: 3', 'replicas: 1')
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await operator(e, ['scale', 'deploy/aurora-operator', '--replicas=1']);

  const firstRefusal = await waitFor('the operator to be refused a LIST', 180_000, async () =>
    proxy.seen.find((r) => r.refused),
  );
  await assertNothingWritten(e, proxy, 'nothing written while every LIST is refused');
  // the AuroraCluster cache syncs while the StatefulSet and pod caches cannot: a controller started on the first
  // synced cache would now see the cluster without its StatefulSet and create one, or write a status from no pods
  proxy.refuse((path) => !path.endsWith('/auroraclusters'));
  const partialFrom = Date.now();
  await waitFor('the AuroraCluster LIST to succeed', 60_000, async () =>
    proxy.seen.find((r) => !r.refused && /\/auroraclusters(\?|$)/.test(r.path) && !r.path.includes('watch')),
  );
  await assertNothingWritten(e, proxy, 'nothing written while only the AuroraCluster LIST succeeds');
  const stillRefused = proxy.seen.filter((r) => r.refused && r.at >= partialFrom).map((r) => r.path);
  assert.ok(stillRefused.length > 0, 'the operator kept asking for the caches it had not synced yet');

  proxy.refuse(() => false);
  const allowedAt = Date.now();
  await waitClusterReady(e);
  console.log(
    `LISTs refused for ${Math.round((allowedAt - firstRefusal.at) / 1000)} s; example Ready ` +
      `${Math.round((Date.now() - allowedAt) / 1000)} s after they succeeded`,
  );
  const early = proxy.seen.filter((r) => isWrite(r) && r.at < allowedAt);
  assert.equal(early, [], 'no write went through the proxy before the LISTs succeeded');
  assert.ok(
    proxy.seen.some((r) => isWrite(r) && r.path.includes('/statefulsets')),
    'the StatefulSet was written through the proxy once the LISTs succeeded',
  );
});

test.run();
