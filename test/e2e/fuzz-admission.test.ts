// Admission fuzz on the real local environment: generated AuroraCluster and AuroraRestore manifests are each
// rejected naming the field, or accepted and then work or end Degraded/Failed with a reason; the operator survives.
import { CustomObjectsApi, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraCluster } from '../../src/api/aurora-cluster.ts';
import { AuroraRestore } from '../../src/api/aurora-restore.ts';
import { apiErrorMessage, statusCodeOf } from '../../src/k8s/errors.ts';
import { buildDesiredResources } from '../../src/resources/desired-resources.ts';
import { baseCluster, generateFuzzCases, type FuzzCase } from '../support/manifest-fuzz.ts';
import { operatorLogs, operatorPods, stackTraces, type OperatorPod } from './fault-harness.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'fuzz';
const COUNT = Number(process.env['AURORA_FUZZ_COUNT'] ?? 1000);
const SEED = Number(process.env['AURORA_FUZZ_SEED'] ?? 12);
const SAMPLE = Number(process.env['AURORA_FUZZ_SAMPLE'] ?? 30);
const GROUP = { group: 'aurora-operator.io', version: 'v1alpha1', namespace: NS };

type Outcome = 'rejected' | 'accepted-ok' | 'accepted-degraded';
interface Result {
  c: FuzzCase;
  outcome: Outcome;
  message: string;
}

interface Ctx {
  env?: E2eEnv;
  kc?: KubeConfig;
  results?: Result[];
  podsBefore?: OperatorPod[];
}
const test = suite<Ctx>('fuzz-admission', {});

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} not set up`);
  return value;
};

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.12');
  ctx.kc = new KubeConfig();
  ctx.kc.loadFromFile(ctx.env.state.kubeconfigPath);
  await ctx.env.kubectl(['create', 'namespace', NS]);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

// the apiserver writes paths like spec.extraArgs[3] or names the rule's subject inside a parent's message
function namesField(message: string, field: string): boolean {
  const flat = message.replace(/\[\d+\]/g, '');
  const tail = field.split('.').slice(-2).join('.');
  return [field, field.replace(/^spec\./, ''), tail].some((f) => flat.includes(f));
}

// huge generated values would flood the report, so messages keep their start and their end
const short = (text: string): string =>
  text.length > 400 ? `${text.slice(0, 300)}…${text.slice(-100)}` : text;

async function admit(kc: KubeConfig, c: FuzzCase): Promise<Result> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const plural = c.kind === 'AuroraCluster' ? 'auroraclusters' : 'aurorarestores';
  let stored: unknown;
  try {
    stored = await custom.createNamespacedCustomObject({
      ...GROUP,
      plural,
      body: c.body,
      dryRun: 'All',
      fieldValidation: 'Strict',
    });
  } catch (err) {
    const code = statusCodeOf(err);
    if (code !== 422 && code !== 400)
      throw new Error(`case ${c.id}: HTTP ${code}: ${short(apiErrorMessage(err))}`, { cause: err });
    return { c, outcome: 'rejected', message: short(apiErrorMessage(err)) };
  }
  if (c.kind === 'AuroraRestore') {
    // the restore controller ignores a restore its schema cannot parse, so admission must have refused it
    const parsed = AuroraRestore.safeParse(stored);
    return parsed.success
      ? { c, outcome: 'accepted-ok', message: '' }
      : { c, outcome: 'accepted-degraded', message: `UNPARSED ${short(parsed.error.message)}` };
  }
  const parsed = AuroraCluster.safeParse(stored);
  if (!parsed.success) return { c, outcome: 'accepted-degraded', message: parsed.error.message };
  // a spec the operator takes must give objects the apiserver takes, or it would retry forever without a reason
  const objects = kc.makeApiClient(KubernetesObjectApi);
  for (const obj of buildDesiredResources(parsed.data)) {
    try {
      await objects.create(obj, undefined, 'All');
    } catch (err) {
      return { c, outcome: 'accepted-ok', message: `UNWORKABLE ${obj.kind}: ${short(apiErrorMessage(err))}` };
    }
  }
  return { c, outcome: 'accepted-ok', message: '' };
}

async function inParallel<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

test('a Ready cluster exists before the fuzz', async (ctx) => {
  const e = need(ctx.env, 'env');
  await e.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify(baseCluster({ namespace: NS, zookeeper: e.state.zookeeper }, 'steady')),
  );
  await waitFor('steady Ready', 180_000, async () =>
    conditionOf(await getCluster(e, NS, 'steady'), 'Ready')?.status === 'True' ? true : undefined,
  );
  ctx.podsBefore = await operatorPods(e);
});

test(`${COUNT} generated manifests (seed ${SEED}): each rejected naming the field, or accepted and workable or Degraded`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const cases = generateFuzzCases(COUNT, SEED, { namespace: NS, zookeeper: e.state.zookeeper });
  const results = await inParallel(cases, 6, (c) => admit(need(ctx.kc, 'kube config'), c));
  ctx.results = results;
  const count = (kind: string, outcome: Outcome, flags = false): number =>
    results.filter((r) => r.c.kind === kind && r.outcome === outcome && r.c.flagCase === flags).length;
  for (const kind of ['AuroraCluster', 'AuroraRestore']) {
    const line = (flags: boolean): string =>
      (['rejected', 'accepted-ok', 'accepted-degraded'] as const)
        .map((o) => `${o}=${count(kind, o, flags)}`)
        .join(' ');
    console.log(
      `fuzz seed=${SEED} ${kind}: ${line(false)}${kind === 'AuroraCluster' ? ` | extraArgs flag cases: ${line(true)}` : ''}`,
    );
  }
  const problems = results.flatMap((r) => {
    const where = `#${r.c.id} ${r.c.kind} [${r.c.category}] ${r.c.mutation}`;
    if (r.c.category !== 'mutated' && r.outcome !== 'accepted-ok')
      return [`${where}: ${r.outcome} ${r.message}`];
    if (r.outcome === 'rejected' && !namesField(r.message, r.c.field))
      return [`${where}: the message does not name ${r.c.field}: ${r.message}`];
    if (r.message.startsWith('UNPARSED') || r.message.startsWith('UNWORKABLE'))
      return [`${where}: ${r.message}`];
    return [];
  });
  assert.equal(problems.slice(0, 40), [], `${problems.length} problems`);
  assert.ok(results.some((r) => r.outcome === 'rejected') && results.some((r) => r.outcome !== 'rejected'));
});

interface Observed {
  name: string;
  /** final: nothing more to wait for (Failed restore, Degraded invalid spec, Ready cluster) */
  final: boolean;
  why: string;
}

const nameOf = (r: Result): string => (r.c.body['metadata'] as { name: string }).name;

async function observeCreated(e: E2eEnv, r: Result): Promise<Observed | undefined> {
  const name = nameOf(r);
  if (r.c.kind === 'AuroraRestore') {
    const out = JSON.parse(await e.kubectl(['-n', NS, 'get', 'aurorarestore', name, '-o', 'json'])) as {
      status?: { phase?: string; error?: { message?: string } };
    };
    const { phase, error } = out.status ?? {};
    return phase === 'Failed' && error?.message
      ? { name, final: true, why: `Failed: ${error.message}` }
      : undefined;
  }
  const c = await getCluster(e, NS, name);
  const degraded = conditionOf(c, 'Degraded');
  const reason = degraded?.status === 'True' && degraded.reason && degraded.message ? degraded : undefined;
  if (r.outcome === 'accepted-degraded') {
    return reason?.reason === 'InvalidSpec'
      ? { name, final: true, why: `InvalidSpec: ${reason.message}` }
      : undefined;
  }
  assert.is.not(reason?.reason, 'InvalidSpec', `${name} passed the operator's schema: ${reason?.message}`);
  if (conditionOf(c, 'Ready')?.status === 'True') return { name, final: true, why: 'Ready' };
  // not Ready yet: a reason is what the issue allows if it stays so, and Ready is still awaited
  return reason ? { name, final: false, why: `Degraded ${reason.reason}: ${reason.message}` } : undefined;
}

test(`a sample of ${SAMPLE} accepted manifests really created: reconciled with a reason; operator intact; steady Ready`, async (ctx) => {
  const e = need(ctx.env, 'env');
  const accepted = need(ctx.results, 'fuzz results').filter(
    (r) => r.outcome !== 'rejected' && nameOf(r).startsWith('fuzz-'),
  );
  // a spread over outcomes and kinds; the accepted-ok clusters (each starts a scheduler pod) fill the rest
  const sample = [
    ...accepted
      .filter((r) => r.c.kind === 'AuroraCluster' && r.outcome === 'accepted-degraded')
      .slice(0, SAMPLE / 2),
    ...accepted.filter((r) => r.c.kind === 'AuroraRestore').slice(0, SAMPLE / 5),
  ];
  sample.push(
    ...accepted
      .filter((r) => r.c.kind === 'AuroraCluster' && r.outcome === 'accepted-ok')
      .slice(0, SAMPLE - sample.length),
  );
  assert.ok(sample.length >= Math.min(SAMPLE, 20), `sample of ${sample.length}`);
  for (const r of sample) await e.kubectl(['create', '-f', '-'], JSON.stringify(r.c.body));
  const seen = new Map<string, Observed>();
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline && [...seen.values()].filter((o) => o.final).length < sample.length) {
    assert.is(conditionOf(await getCluster(e, NS, 'steady'), 'Ready')?.status, 'True', 'steady stays Ready');
    for (const r of sample) {
      if (seen.get(nameOf(r))?.final) continue;
      const o = await observeCreated(e, r);
      if (o) seen.set(nameOf(r), o);
    }
    await sleep(2000);
  }
  const missing = sample.filter((r) => !seen.has(nameOf(r))).map((r) => `${nameOf(r)} ${r.c.mutation}`);
  assert.equal(missing, [], 'every sampled object works or carries a reason');
  const tally = (prefix: string): number => [...seen.values()].filter((o) => o.why.startsWith(prefix)).length;
  console.log(
    `fuzz sample: ${sample.length} created: Ready=${tally('Ready')} InvalidSpec=${tally('InvalidSpec')} ` +
      `restore Failed=${tally('Failed')} other Degraded=${tally('Degraded')}`,
  );
  for (const o of [...seen.values()].filter((v) => !v.final)) console.log(`  ${o.name}: ${short(o.why)}`);
  for (const r of sample)
    await e.kubectl(['-n', NS, 'delete', r.c.kind.toLowerCase(), nameOf(r), '--wait=false']);
  const pods = await operatorPods(e);
  assert.equal(
    pods,
    need(ctx.podsBefore, 'operator pods'),
    'the operator pods neither restarted nor were replaced',
  );
  assert.equal(stackTraces(operatorLogs(e, pods)), [], 'no stack trace in the operator logs');
  assert.is(conditionOf(await getCluster(e, NS, 'steady'), 'Ready')?.status, 'True', 'steady is still Ready');
});

test.run();
