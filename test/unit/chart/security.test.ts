// The chart's security guarantees: a namespaced install grants nothing cluster-wide, Secret access never includes
// list or watch, and no value can switch on the test fault hook.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertOperatorRules,
  chartTest,
  envOf,
  find,
  FULLNAME,
  NAMESPACE,
  operatorContainer,
  render,
  rulesOf,
  verbsFor,
  type Manifest,
} from './chart-fixture.ts';

const CLUSTER_SCOPED = ['ClusterRole', 'ClusterRoleBinding'];

function rolesIn(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && m.metadata.name === FULLNAME);
}

chartTest('watchNamespaces: a Role and RoleBinding in each namespace and nothing cluster-wide', () => {
  const manifests = render(['watchNamespaces={team-a,team-b}']);
  assert.not.ok(manifests.some((m) => CLUSTER_SCOPED.includes(m.kind)));
  assert.equal(
    rolesIn(manifests, 'Role').map((r) => r.metadata.namespace),
    ['team-a', 'team-b'],
  );
  for (const role of rolesIn(manifests, 'Role')) assertOperatorRules(rulesOf(role));
  const bindings = rolesIn(manifests, 'RoleBinding');
  assert.equal(
    bindings.map((b) => [b.metadata.namespace, (b['roleRef'] as { kind: string }).kind]),
    [
      ['team-a', 'Role'],
      ['team-b', 'Role'],
    ],
  );
  for (const b of bindings) {
    assert.equal(b['subjects'], [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
  }
  assert.is(envOf(operatorContainer(manifests).container).get('WATCH_NAMESPACES')?.value, 'team-a,team-b');
});

chartTest('watchNamespace and watchNamespaces merge without duplicates', () => {
  const manifests = render(['watchNamespaces={team-a,team-b}', 'watchNamespace=team-a']);
  assert.equal(
    rolesIn(manifests, 'Role').map((r) => r.metadata.namespace),
    ['team-a', 'team-b'],
  );
  assert.is(envOf(operatorContainer(manifests).container).get('WATCH_NAMESPACES')?.value, 'team-a,team-b');
});

chartTest('watchNamespaces entries must be namespace names', () => {
  assert.throws(() => render(['watchNamespaces={Team_A}']), /watchNamespaces/);
});

chartTest(
  'Secrets: get, list, watch (for label- and name-selected watches) and create, in both install modes',
  () => {
    for (const set of [[], ['watchNamespaces={team-a}']]) {
      const manifests = render(set);
      const role = manifests.find(
        (m) => (m.kind === 'ClusterRole' || m.kind === 'Role') && m.metadata.name === FULLNAME,
      );
      if (!role) assert.unreachable(`no operator role rendered with ${set.join(' ')}`);
      assert.equal(verbsFor(rulesOf(role as Manifest), '', 'secrets'), ['create', 'get', 'list', 'watch']);
    }
  },
);

chartTest('the fault hook cannot be enabled: extraEnv refuses its variable and NODE_OPTIONS', () => {
  for (const name of ['AURORA_OPERATOR_EXIT_AFTER_STEP_ACTION', 'NODE_OPTIONS']) {
    assert.throws(
      () => render([`extraEnv[0].name=${name}`, 'extraEnv[0].value=on']),
      /extraEnv\/0\/name/,
      `${name} refused`,
    );
  }
  const { container } = operatorContainer(
    render(['extraEnv[0].name=AURORA_RPC_TIMEOUT_MS', 'extraEnv[0].value=5s']),
  );
  assert.is(envOf(container).get('AURORA_RPC_TIMEOUT_MS')?.value, '5s');
});

chartTest('the Deployment runs the production entry point, which has no fault hook', () => {
  const { container } = operatorContainer(render());
  assert.equal(container['command'], ['aurora-operator', 'run']);
  assert.not.ok(envOf(container).has('AURORA_OPERATOR_EXIT_AFTER_STEP_ACTION'));
  assert.ok(find(render(), 'Deployment', FULLNAME));
});

test.run();
