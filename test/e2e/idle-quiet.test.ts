// An idle, Ready AuroraCluster costs the API server no writes and no LIST calls: counted from the kube-apiserver's
// own apiserver_request_total over a window in which the operator keeps running its periodic passes.
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'aurora';
const WINDOW_MS = 100_000;
const test = suite<{ env?: E2eEnv }>('idle-quiet', {});

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.15');
  await ctx.env.kubectl(['create', 'namespace', NS]);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

// what the operator writes or lists: its objects, the pods it labels and deletes, the PVCs it annotates, events.
// Pods count without a subresource only: pods/status and pods/binding are the pod runtime's (the kubelet's) writes;
// events count as creates only (see operatorWrites).
const OPERATOR_RESOURCES = new Set([
  'auroraclusters',
  'aurorarestores',
  'statefulsets',
  'services',
  'configmaps',
  'poddisruptionbudgets',
  'secrets',
  'persistentvolumeclaims',
  'networkpolicies',
  'pods',
  'events',
]);
const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);

type Counts = Map<string, number>;

/** apiserver_request_total summed by verb, resource and subresource (over codes, scopes and versions). */
async function requestCounts(e: E2eEnv): Promise<Counts> {
  const text = await e.kubectl(['get', '--raw', '/metrics']);
  const counts: Counts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = `${labels['verb']} ${labels['resource']}${labels['subresource'] ? `/${labels['subresource']}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

function delta(before: Counts, after: Counts): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

function operatorWrites(d: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(d).filter(([key]) => {
      const [verb = '', resource = ''] = key.split(' ');
      const [kind = '', sub] = resource.split('/');
      if (kind === 'pods' && sub !== undefined) return false;
      // events are recorded by every component (the pod runtime's probes too): operatorEvents reads who created them
      if (kind === 'events') return false;
      return WRITE_VERBS.has(verb) && OPERATOR_RESOURCES.has(kind);
    }),
  );
}

/** The events the operator created since `since` (whole seconds), as `reason: message`. */
async function operatorEvents(e: E2eEnv, since: number): Promise<string[]> {
  const list = JSON.parse(await e.kubectl(['get', 'events', '-A', '-o', 'json'])) as {
    items: Array<{
      metadata: { creationTimestamp?: string };
      source?: { component?: string };
      reportingComponent?: string;
      reason?: string;
      message?: string;
    }>;
  };
  return list.items
    .filter((ev) => new Date(ev.metadata.creationTimestamp ?? 0).getTime() >= since)
    .filter((ev) => ev.source?.component === 'aurora-operator' || ev.reportingComponent === 'aurora-operator')
    .map((ev) => `${ev.reason}: ${ev.message}`);
}

function lists(d: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(d).filter(([key]) => {
      const [verb = '', resource = ''] = key.split(' ');
      return verb === 'LIST' && OPERATOR_RESOURCES.has(resource.split('/')[0] ?? '');
    }),
  );
}

/** The leading operator's /metrics. */
async function operatorMetrics(e: E2eEnv): Promise<string> {
  const ips = await e.kubectl([
    '-n',
    'aurora-operator',
    'get',
    'pods',
    '-o',
    'jsonpath={.items[*].status.podIP}',
  ]);
  for (const ip of ips.split(/\s+/).filter(Boolean)) {
    const body = await fetch(`http://${ip}:8080/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    if (/^aurora_operator_leader 1$/m.test(body)) return body;
  }
  throw new Error('no leading operator answers /metrics');
}

/** aurora_operator_reconcile_total of the AuroraCluster controller, summed over results. */
async function clusterPasses(e: E2eEnv): Promise<number> {
  const body = await operatorMetrics(e);
  return [
    ...body.matchAll(/^aurora_operator_reconcile_total\{[^}]*controller="auroracluster"[^}]*\} (\d+)/gm),
  ]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
}

function mebibytes(body: string, metric: string): string {
  const value = new RegExp(`^${metric} (\\S+)$`, 'm').exec(body)?.[1];
  return value === undefined ? '?' : (Number(value) / 1048576).toFixed(0);
}

// one scheduler and hour-long backup and snapshot intervals: no backup lands in the window to change the status
function manifest(e: E2eEnv): string {
  return e
    .exampleManifest()
    .replace('name: example', 'name: quiet')
    .replace('replicas: 3', 'replicas: 1')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1hrs')
    .replace('interval: 5mins', 'interval: 1hrs');
}

async function resourceVersion(e: E2eEnv): Promise<string> {
  return e.kubectl(['-n', NS, 'get', 'auroracluster', 'quiet', '-o', 'jsonpath={.metadata.resourceVersion}']);
}

test('an idle Ready cluster: no write and no LIST by the operator over 100 s of passes', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['apply', '-f', '-'], manifest(e));
  await waitFor('quiet to be Ready', 240_000, async () =>
    conditionOf(await getCluster(e, NS, 'quiet'), 'Ready')?.status === 'True' ? true : undefined,
  );
  // settled: the status did not move for 20 s (the first passes after Ready may still record e.g. exits)
  let last = await resourceVersion(e);
  let stableSince = Date.now();
  await waitFor('the status to settle', 120_000, async () => {
    const now = await resourceVersion(e);
    if (now !== last) [last, stableSince] = [now, Date.now()];
    return Date.now() - stableSince >= 20_000 ? true : undefined;
  });

  const passesBefore = await clusterPasses(e);
  // creationTimestamp has whole seconds: the window's events are those of the seconds after its start
  const windowStart = Math.ceil(Date.now() / 1000) * 1000;
  const before = await requestCounts(e);
  await sleep(WINDOW_MS);
  const after = await requestCounts(e);
  const passes = (await clusterPasses(e)) - passesBefore;

  const d = delta(before, after);
  const metrics = await operatorMetrics(e);
  process.stdout.write(
    `\n  leading operator: RSS ${mebibytes(metrics, 'process_resident_memory_bytes')} MiB, heap used ` +
      `${mebibytes(metrics, 'nodejs_heap_size_used_bytes')} MiB`,
  );
  process.stdout.write(
    `\n  idle window ${WINDOW_MS / 1000}s: ${passes} passes; every request by verb and resource: ${JSON.stringify(d)}\n`,
  );
  // the periodic passes (readyRequeueMs 30 s) ran, so the quiet is the operator's doing, not its absence
  assert.ok(passes >= 3, `only ${passes} passes of the cluster in the window`);
  assert.equal(operatorWrites(d), {}, 'write requests to the objects the operator manages');
  assert.equal(await operatorEvents(e, windowStart), [], 'events the operator recorded in the window');
  assert.equal(lists(d), {}, 'LIST requests of the kinds the operator watches');
  assert.is(await resourceVersion(e), last, 'the AuroraCluster (status included) was not written');
});

test.run();
