import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { buildAuroraClusterCrd, buildAuroraRestoreCrd } from '../../../src/crd/aurora-crds.ts';
import type { JsonSchema } from '../../../src/crd/structural-schema.ts';
import { toStructuralSchema } from '../../../src/crd/structural-schema.ts';

const FORBIDDEN = [
  '$ref',
  'definitions',
  '$defs',
  'dependencies',
  'patternProperties',
  'additionalItems',
  'uniqueItems',
];

// the apiextensions structural rules this project can break, checked on every node
function structuralProblems(node: JsonSchema, path: string, out: string[]): string[] {
  for (const key of FORBIDDEN) if (key in node) out.push(`${path}: ${key}`);
  if (node['additionalProperties'] !== undefined && node['properties'] !== undefined) {
    out.push(`${path}: additionalProperties next to properties`);
  }
  const special =
    node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!special && typeof node['type'] !== 'string') out.push(`${path}: no type`);
  if ('anyOf' in node && node['x-kubernetes-int-or-string'] !== true) out.push(`${path}: anyOf`);
  if (typeof node['minimum'] === 'number' && Math.abs(node['minimum']) >= Number.MAX_SAFE_INTEGER) {
    out.push(`${path}: safe-integer bound`);
  }
  const props = (node['properties'] ?? {}) as Record<string, JsonSchema>;
  for (const [k, v] of Object.entries(props)) structuralProblems(v, `${path}.${k}`, out);
  if (typeof node['additionalProperties'] === 'object') {
    structuralProblems(node['additionalProperties'] as JsonSchema, `${path}.*`, out);
  }
  if (typeof node['items'] === 'object') structuralProblems(node['items'] as JsonSchema, `${path}[]`, out);
  return out;
}

function at(schema: JsonSchema, ...keys: string[]): JsonSchema {
  let node = schema;
  for (const key of keys) node = (node['properties'] as Record<string, JsonSchema>)[key] as JsonSchema;
  return node;
}

const cluster = buildAuroraClusterCrd();
const restore = buildAuroraRestoreCrd();
const clusterSchema = cluster.spec.versions[0]!.schema.openAPIV3Schema;
const restoreSchema = restore.spec.versions[0]!.schema.openAPIV3Schema;

test('both CRDs are structural', () => {
  assert.equal(structuralProblems(clusterSchema, '', []), []);
  assert.equal(structuralProblems(restoreSchema, '', []), []);
});

test('names, scope, status subresource and printer columns', () => {
  assert.is(cluster.metadata.name, 'auroraclusters.aurora-operator.io');
  assert.equal(cluster.spec.names.shortNames, ['ac', 'aurora']);
  assert.equal(restore.spec.names.shortNames, ['ar']);
  assert.is(cluster.spec.scope, 'Namespaced');
  assert.equal(cluster.spec.versions[0]!.subresources, { status: {} });
  assert.equal(
    cluster.spec.versions[0]!.additionalPrinterColumns.map((c) => c.name),
    ['Replicas', 'Ready', 'Leader', 'Phase', 'Age'],
  );
  assert.equal(
    restore.spec.versions[0]!.additionalPrinterColumns.map((c) => c.name),
    ['Cluster', 'Backup', 'Phase', 'Step', 'Age'],
  );
});

test('defaults and descriptions reach the CRD', () => {
  const spec = at(clusterSchema, 'spec');
  assert.is(at(spec, 'image')['default'], 'aurora-scheduler:0.22.0');
  assert.equal(at(spec, 'backup')['default'], {});
  assert.is(at(spec, 'backup', 'interval')['default'], '1hrs');
  assert.equal(spec['required'], ['clusterName', 'replicas', 'zookeeper', 'mesos', 'thermosExecutor']);
  const undocumented: string[] = [];
  const walk = (node: JsonSchema, path: string): void => {
    for (const [k, v] of Object.entries((node['properties'] ?? {}) as Record<string, JsonSchema>)) {
      if (typeof v['description'] !== 'string') undocumented.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
  };
  walk(spec, 'spec');
  assert.equal(undocumented, []);
});

test('CEL rules: odd replicas, volumes that only grow, quorum, extraArgs shape, restore immutability', () => {
  const spec = at(clusterSchema, 'spec');
  const replicasRules = at(spec, 'replicas')['x-kubernetes-validations'] as { rule: string }[];
  assert.equal(
    replicasRules.map((r) => r.rule),
    ['self % 2 == 1'],
  );
  for (const volume of ['replicatedLog', 'backup']) {
    const size = at(at(at(spec, volume), 'storage'), 'size');
    const rules = size['x-kubernetes-validations'] as { rule: string }[];
    assert.equal(
      rules.map((r) => r.rule),
      ['quantity(self).compareTo(quantity(oldSelf)) >= 0'],
    );
  }
  const specRules = spec['x-kubernetes-validations'] as { rule: string }[];
  assert.match(specRules[0]!.rule, 'self.replicatedLog.quorumSize == self.replicas / 2 + 1');
  const argItems = at(spec, 'extraArgs')['items'] as JsonSchema;
  assert.is(argItems['maxLength'], 1024);
  assert.is((argItems['x-kubernetes-validations'] as unknown[]).length, 2);
  const restoreRules = at(restoreSchema, 'spec')['x-kubernetes-validations'] as { rule: string }[];
  assert.not.match(restoreRules[0]!.rule, 'approved');
  assert.match(restoreRules[0]!.rule, 'self.backupId == oldSelf.backupId');
});

test('int-or-string and preserve-unknown-fields use the exact Kubernetes shapes', () => {
  const limits = at(clusterSchema, 'spec', 'resources', 'limits');
  assert.equal(limits['additionalProperties'], {
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  });
  const affinity = at(clusterSchema, 'spec', 'scheduling', 'affinity');
  assert.equal(Object.keys(affinity).sort(), ['description', 'type', 'x-kubernetes-preserve-unknown-fields']);
});

test('unsupported constructs fail loudly', () => {
  assert.throws(() => toStructuralSchema(z.object({ a: z.union([z.string(), z.boolean()]) })), /unions/);
  assert.throws(() => toStructuralSchema(z.object({ a: z.any() })), /type/);
});

test.run();
