// Every metric name the operator exposes: process and Node.js defaults unprefixed, its own under aurora_operator_ or
// aurora_cluster_ once, counters with _total, and each one documented in docs/metrics.md.
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { createClusterMetrics } from '../../../src/diagnostics/cluster-metrics.ts';
import { createShippingMetrics } from '../../../src/cluster/shipping-metrics.ts';

const DOC = new URL('../../../docs/metrics.md', import.meta.url);
const OWN = /^aurora_(operator|cluster)_/;
const DEFAULT = /^(process|nodejs)_/;

/** the registry main.ts serves on /metrics, with every metric it registers */
async function exposed(): Promise<Array<{ name: string; type: string }>> {
  const registry = new Registry();
  createControllerMetrics(registry);
  createClusterMetrics(registry);
  createShippingMetrics(registry);
  return (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
}

/** names in backticks on the docs page, labels (`{a,b}`) stripped */
function documented(): Set<string> {
  const text = readFileSync(DOC, 'utf8');
  return new Set([...text.matchAll(/`([a-z][a-z0-9_]*)(\{[^}`]*\})?`/g)].map((m) => m[1] ?? ''));
}

test('the exposed list holds the defaults and the operator own metrics', async () => {
  const names = (await exposed()).map((m) => m.name);
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
  ])
    assert.ok(names.includes(name), name);
  assert.ok(names.includes('aurora_operator_reconcile_total'));
  assert.ok(names.includes('aurora_cluster_ready'));
});

test('no name carries a doubled prefix and each belongs to the operator or the defaults', async () => {
  for (const { name } of await exposed()) {
    assert.not.match(name, /(^|_)([a-z]+)_\2_/, `${name} repeats a word`);
    assert.not.match(name, /^aurora_operator_(process|nodejs)_/, `${name}: default metrics stay unprefixed`);
    assert.ok(OWN.test(name) || DEFAULT.test(name), `${name} is neither the operator's nor a default`);
  }
});

test("the operator's counters end in _total and nothing else of its own does", async () => {
  for (const { name, type } of (await exposed()).filter((m) => OWN.test(m.name)))
    assert.is(name.endsWith('_total'), type === 'counter', `${name} (${type})`);
});

test('every exposed name is documented in docs/metrics.md', async () => {
  const docs = documented();
  const missing = (await exposed()).map((m) => m.name).filter((name) => !docs.has(name));
  assert.equal(missing, [], 'names missing from docs/metrics.md');
});

test.run();
