// Renders the Helm chart for the chart tests and checks RBAC rules against the operator's expected grants.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { kubeBinDir } from '../../world/local-env/kube-binaries.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHART = join(ROOT, 'charts', 'aurora-operator');
export const CRDS = join(CHART, 'crds');
export const HELM = join(kubeBinDir(), 'helm');
export const KUBE_VERSION = '1.35.4';
export const NAMESPACE = 'aurora-system';
export const FULLNAME = 'rel-aurora-operator';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export function helm(args: string[]): string {
  return execFileSync(HELM, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function render(set: string[] = [], extra: string[] = []): Manifest[] {
  const args = ['template', 'rel', CHART, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, ...extra];
  for (const s of set) args.push('--set', s);
  return parseAllDocuments(helm(args))
    .map((doc) => {
      assert.equal(doc.errors, [], 'rendered YAML parses');
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) assert.unreachable(`${kind}/${name} not rendered: ${manifests.map((m) => m.kind).join(', ')}`);
  return found as Manifest;
}

export function rulesOf(role: Manifest): Rule[] {
  return role['rules'] as Rule[];
}

export function verbsFor(rules: Rule[], group: string, resource: string): string[] {
  const verbs = rules
    .filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource))
    .flatMap((r) => r.verbs);
  return [...new Set(verbs)].sort();
}

export function operatorContainer(manifests: Manifest[]) {
  const deployment = find(manifests, 'Deployment', FULLNAME) as Manifest & {
    spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: unknown[] } } };
  };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Record<string, unknown> & { env: EnvVar[] };
  return { deployment, pod, container };
}

export function envOf(container: { env: EnvVar[] }): Map<string, EnvVar> {
  return new Map(container.env.map((e) => [e.name, e]));
}

export const EXPECTED_RULES: Record<string, Record<string, string[]>> = {
  'aurora-operator.io': {
    auroraclusters: ['get', 'list', 'patch', 'update', 'watch'],
    'auroraclusters/status': ['get', 'patch', 'update'],
    'auroraclusters/finalizers': ['update'],
    aurorarestores: ['create', 'get', 'list', 'patch', 'update', 'watch'],
    'aurorarestores/status': ['get', 'patch', 'update'],
    'aurorarestores/finalizers': ['update'],
  },
  apps: { statefulsets: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  '': {
    services: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    configmaps: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    pods: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
    persistentvolumeclaims: ['get', 'list', 'patch', 'watch'],
    secrets: ['create', 'get', 'list', 'watch'],
    events: ['create', 'patch'],
  },
  policy: { poddisruptionbudgets: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  'networking.k8s.io': { networkpolicies: ['create', 'delete', 'get', 'list', 'patch', 'watch'] },
};

export function assertOperatorRules(rules: Rule[]): void {
  for (const rule of rules) {
    for (const field of [rule.apiGroups, rule.resources, rule.verbs]) {
      assert.not.ok(field.includes('*'), `no wildcard in ${JSON.stringify(rule)}`);
    }
    assert.not.ok(rule.resources.includes('pods/log'), 'pods/log is not needed');
  }
  const granted = new Set(
    rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}|${res}`))),
  );
  const expected = new Set<string>();
  for (const [group, resources] of Object.entries(EXPECTED_RULES)) {
    for (const [resource, verbs] of Object.entries(resources)) {
      expected.add(`${group}|${resource}`);
      assert.equal(verbsFor(rules, group, resource), verbs, `verbs on ${group}/${resource}`);
    }
  }
  assert.equal([...granted].sort(), [...expected].sort(), 'no resources beyond the expected ones');
}

export const helmMissing = !existsSync(HELM);
if (helmMissing) {
  console.log(`SKIP chart tests: helm binary not found at ${HELM} (scripts/build-kube.sh builds it)`);
}
export const chartTest = helmMissing ? test.skip : test;
