// The objects the operator applies go to the API server as built (no client-node serializer renames fields any
// more), so none may carry a client-node model's property name that differs from the JSON one, such as `_from`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAgentSecret } from '../../../src/resources/backup-agent.ts';
import { buildDesiredResources } from '../../../src/resources/desired-resources.ts';
import { buildRestoreNetworkPolicy } from '../../../src/resources/network-policy.ts';
import { makeCluster } from './cluster-fixture.ts';

// client-node's models rename `from`, `default`, `enum`, `int`, `continue` with a leading _ and x-kubernetes-* fields
const renamed = (key: string): boolean => key.startsWith('_') || key.startsWith('x_kubernetes_');

function keysOf(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keysOf(v, `${path}.${k}`)]);
}

test('no applied object carries a client-node property name instead of the JSON field name', () => {
  const cluster = makeCluster({
    scheduling: {
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
  } as never);
  const objects = [
    ...buildDesiredResources(cluster),
    buildAgentSecret(cluster, 'token'),
    buildRestoreNetworkPolicy(cluster, { namespace: 'ops', matchLabels: { app: 'op' } }),
  ];
  for (const obj of objects) {
    const bad = keysOf(obj).filter((p) => renamed(p.slice(p.lastIndexOf('.') + 1)));
    assert.equal(bad, [], `${obj.kind}: client-node names on the wire`);
  }
});

test("the restore NetworkPolicy's ingress rules name their peers `from`", () => {
  const policy = buildRestoreNetworkPolicy(makeCluster(), { namespace: 'ops', matchLabels: { app: 'op' } });
  const rules = policy.spec.ingress ?? [];
  assert.is(rules.length, 2);
  for (const rule of rules) assert.ok(Array.isArray(rule.from) && rule.from.length === 1);
  assert.equal(rules[1]?.from?.[0]?.namespaceSelector, {
    matchLabels: { 'kubernetes.io/metadata.name': 'ops' },
  });
});

test.run();
