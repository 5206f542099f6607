// The chart's admission policy warns (never refuses) when spec.image is tagged with another supported Aurora version
// than spec.version; its tag pattern is the version table's. The e2e version-admission applies it on an API server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KNOWN_AURORA_VERSIONS } from '../../../src/api/aurora-versions.ts';
import { computeImageVersionWarning } from '../../../src/cluster/image-version-agreement.ts';
import { chartTest, FULLNAME, render, type Manifest } from './chart-fixture.ts';

interface Policy extends Manifest {
  spec: { failurePolicy: string; validations: Array<{ expression: string; messageExpression: string }> };
}
interface Binding extends Manifest {
  spec: { policyName: string; validationActions: string[] };
}

const policyObjects = (set: string[] = [], extra: string[] = []): Manifest[] =>
  render(set, extra).filter((m) => m.kind.startsWith('ValidatingAdmissionPolicy'));

chartTest(
  'rendered by default on Kubernetes 1.30+: a policy on auroraclusters and a Warn-only binding',
  () => {
    const [policy, binding] = policyObjects() as [Policy, Binding];
    assert.is(policy.kind, 'ValidatingAdmissionPolicy');
    assert.is(policy.metadata.name, `${FULLNAME}-image-version`);
    assert.is(policy.spec.failurePolicy, 'Ignore', 'a broken policy never blocks an apply');
    assert.is(binding.kind, 'ValidatingAdmissionPolicyBinding');
    assert.is(binding.spec.policyName, policy.metadata.name);
    assert.equal(binding.spec.validationActions, ['Warn'], 'warns, never denies: tags are free-form');
    assert.match(policy.spec.validations[0]?.messageExpression ?? '', "'ImageVersionMismatch: spec.image '");
  },
);

chartTest('left out when disabled, and on Kubernetes 1.29 where the API is not GA', () => {
  assert.equal(policyObjects(['admissionWarnings.enabled=false']), []);
  assert.equal(policyObjects([], ['--kube-version', '1.29.5']), []);
});

/** The expression, evaluated in JS for the shapes it uses: has(), matches(), endsWith() and contains(). */
function warns(expression: string, spec: { version?: string; image: string }): boolean {
  const pattern = /matches\('([^']+)'\)/.exec(expression)?.[1]?.replaceAll('\\\\', '\\');
  assert.ok(pattern, expression);
  if (spec.version === undefined) return false;
  const tagged = new RegExp(pattern).test(spec.image);
  const agrees = spec.image.endsWith(`:${spec.version}`) || spec.image.includes(`:${spec.version}@`);
  return tagged && !agrees;
}

chartTest(
  'its tag pattern is the version table, and it warns exactly when computeImageVersionWarning does',
  () => {
    const [policy] = policyObjects() as [Policy];
    const expression = policy.spec.validations[0]?.expression ?? '';
    const images = [
      ...KNOWN_AURORA_VERSIONS.map((v) => `aurora-scheduler:${v}`),
      ...KNOWN_AURORA_VERSIONS.map((v) => `registry.example:5000/s:${v}@sha256:abc`),
      'aurora-scheduler:0.28.0',
      'aurora-scheduler:0.23.1',
      'aurora-scheduler:dev',
      'registry.example:5000/scheduler',
    ];
    for (const version of [...KNOWN_AURORA_VERSIONS, undefined]) {
      for (const image of images) {
        const spec = { ...(version ? { version } : {}), image };
        assert.is(
          warns(expression, spec),
          computeImageVersionWarning(spec) !== undefined,
          `${version} ${image}`,
        );
      }
    }
  },
);

test.run();
