// Lints the Helm chart and checks the rendered manifests: restricted security context, probes, leader election,
// least-privilege RBAC (no wildcards) in both watch modes, and the CRDs shipped in crds/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  CRDS,
  FULLNAME,
  NAMESPACE,
  assertOperatorRules,
  chartTest,
  envOf,
  find,
  helm,
  helmMissing,
  operatorContainer,
  render,
  rulesOf,
  verbsFor,
  KUBE_VERSION,
  type Manifest,
} from './chart-fixture.ts';

chartTest('helm lint --strict passes', () => {
  const out = helm(['lint', '--strict', CHART, '--kube-version', KUBE_VERSION]);
  assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

chartTest('the schema rejects unknown top-level values', () => {
  assert.throws(() => render(['notAValue=1']), /additional properties 'notAValue' not allowed/);
});

chartTest(
  'a values file that still sets the removed memoryReclaim renders the same chart; wrong values there are refused',
  () => {
    const old = [
      'memoryReclaim.enabled=false',
      'memoryReclaim.checkIntervalMs=30000',
      'memoryReclaim.softLimitMiB=128',
    ];
    assert.equal(render(old), render());
    assert.throws(() => render(['memoryReclaim.checkIntervalMs=5']), /checkIntervalMs': minimum/);
    assert.throws(() => render(['memoryReclaim.typo=1']), /additional properties 'typo' not allowed/);
    const notes = readFileSync(join(CHART, 'templates', 'NOTES.txt'), 'utf8');
    assert.match(
      notes,
      /\{\{- if hasKey \.Values "memoryReclaim" \}\}\nWARNING: memoryReclaim is set but no longer used/,
    );
  },
);

chartTest('more than one replica requires leader election', () => {
  assert.throws(() => render(['leaderElection.enabled=false']), /leaderElection.enabled must be true/);
  const manifests = render(['leaderElection.enabled=false', 'replicaCount=1']);
  const { container } = operatorContainer(manifests);
  assert.is(envOf(container).get('LEADER_ELECT')?.value, 'false');
  assert.not.ok(
    manifests.some((m) => m.metadata.name === `${FULLNAME}-leader-election`),
    'no Lease Role',
  );
});

chartTest('default values: restricted pod running `aurora-operator run` with probes', () => {
  const { deployment, pod, container } = operatorContainer(render());
  assert.is(deployment.metadata.namespace, NAMESPACE);
  assert.is(deployment.spec.replicas, 2);
  assert.equal(container['command'], ['aurora-operator', 'run']);
  assert.is(container['image'], 'aurora-operator:0.1.0');
  assert.is(pod['serviceAccountName'], FULLNAME);
  assert.is(pod['automountServiceAccountToken'], true);
  assert.is(pod['terminationGracePeriodSeconds'], 30);
  assert.equal(pod['securityContext'], {
    fsGroup: 65532,
    runAsGroup: 65532,
    runAsNonRoot: true,
    runAsUser: 65532,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.equal(container['securityContext'], {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65532,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.equal(container['ports'], [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  const liveness = container['livenessProbe'] as { httpGet: { path: string; port: string } };
  const readiness = container['readinessProbe'] as { httpGet: { path: string; port: string } };
  assert.equal(liveness.httpGet, { path: '/healthz', port: 'http' });
  assert.equal(readiness.httpGet, { path: '/readyz', port: 'http' });
  assert.equal(container['volumeMounts'], [{ name: 'tmp', mountPath: '/tmp' }]);
  const volumes = pod['volumes'] as { name: string; emptyDir?: unknown }[];
  assert.ok(
    volumes.some((v) => v.name === 'tmp' && v.emptyDir),
    'writable emptyDir at /tmp',
  );
});

chartTest('default values: leader election and listen address in the environment', () => {
  const env = envOf(operatorContainer(render()).container);
  const field = (name: string) => env.get(name)?.valueFrom?.fieldRef?.fieldPath;
  assert.is(field('POD_NAME'), 'metadata.name');
  assert.is(field('POD_NAMESPACE'), 'metadata.namespace');
  assert.is(field('LISTEN_HOST'), 'status.podIP');
  const values = Object.fromEntries([...env].map(([name, e]) => [name, e.value]));
  assert.is(values['HTTP_PORT'], '8080');
  assert.is(values['LEADER_ELECT'], 'true');
  assert.is(values['LEASE_NAME'], `${FULLNAME}-leader`);
  assert.is(values['WATCH_NAMESPACES'], '');
  assert.is(values['PROBE_CONCURRENCY'], '16');
  assert.is(values['PROBE_TIMEOUT_MS'], '2000');
  assert.is(values['LOG_LEVEL'], 'info');
  assert.is(values['OPERATOR_NAME'], 'aurora-operator');
});

chartTest('default values: cluster-wide least-privilege RBAC and the Lease Role', () => {
  const manifests = render();
  const clusterRules = rulesOf(find(manifests, 'ClusterRole', FULLNAME));
  // cluster-wide only: get on the one namespace whose UID names the Kubernetes cluster in ZooKeeper markers
  const identity = clusterRules.filter((r) => r.resources.includes('namespaces'));
  assert.equal(identity, [
    { apiGroups: [''], resources: ['namespaces'], resourceNames: ['kube-system'], verbs: ['get'] },
  ]);
  assertOperatorRules(clusterRules.filter((r) => !r.resources.includes('namespaces')));
  const binding = find(manifests, 'ClusterRoleBinding', FULLNAME);
  assert.equal(binding['roleRef'], {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: FULLNAME,
  });
  assert.equal(binding['subjects'], [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
  assert.not.ok(manifests.some((m) => m.kind === 'Role' && m.metadata.name === FULLNAME));

  const leaseRole = find(manifests, 'Role', `${FULLNAME}-leader-election`);
  assert.is(leaseRole.metadata.namespace, NAMESPACE);
  const leaseRules = rulesOf(leaseRole);
  for (const rule of leaseRules) {
    assert.equal(rule.apiGroups, ['coordination.k8s.io']);
    assert.equal(rule.resources, ['leases']);
  }
  assert.equal(verbsFor(leaseRules, 'coordination.k8s.io', 'leases'), ['create', 'get', 'update']);
  const leaseBinding = find(manifests, 'RoleBinding', `${FULLNAME}-leader-election`);
  assert.is(leaseBinding.metadata.namespace, NAMESPACE);
  assert.ok(find(manifests, 'ServiceAccount', FULLNAME));
});

chartTest('watchNamespace set: Role and RoleBinding in that namespace, no cluster-wide grants', () => {
  const manifests = render(['watchNamespace=aurora']);
  assert.not.ok(manifests.some((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding'));
  const role = find(manifests, 'Role', FULLNAME);
  assert.is(role.metadata.namespace, 'aurora');
  assertOperatorRules(rulesOf(role));
  const binding = find(manifests, 'RoleBinding', FULLNAME);
  assert.is(binding.metadata.namespace, 'aurora');
  assert.equal(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FULLNAME });
  assert.equal(binding['subjects'], [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
  assert.is(envOf(operatorContainer(manifests).container).get('WATCH_NAMESPACES')?.value, 'aurora');
  // the Lease stays in the release namespace
  assert.is(find(manifests, 'Role', `${FULLNAME}-leader-election`).metadata.namespace, NAMESPACE);
});

chartTest('monitoring flags off: only the core objects, and a metrics Service', () => {
  // the helm test pod is a hook, not installed: helm-test.test.ts covers it
  const manifests = render(
    [
      'monitoring.serviceMonitor.enabled=false',
      'monitoring.prometheusRule.enabled=false',
      'monitoring.grafanaDashboard.enabled=false',
    ],
    ['--skip-tests'],
  );
  const kinds = [...new Set(manifests.map((m) => m.kind))].sort();
  assert.equal(kinds, [
    'ClusterRole',
    'ClusterRoleBinding',
    'Deployment',
    'Role',
    'RoleBinding',
    'Service',
    'ServiceAccount',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
  ]);
  const service = find(manifests, 'Service', FULLNAME) as Manifest & {
    spec: { ports: { name: string; port: number; targetPort: string }[] };
  };
  assert.equal(
    service.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
    [['http', 8080, 'http']],
  );
});

chartTest(
  'rbac.create=false and serviceAccount.create=false render no RBAC and use the named account',
  () => {
    const manifests = render(['rbac.create=false', 'serviceAccount.create=false', 'serviceAccount.name=ops']);
    assert.not.ok(manifests.some((m) => m.kind.includes('Role') || m.kind === 'ServiceAccount'));
    assert.is(operatorContainer(manifests).pod['serviceAccountName'], 'ops');
  },
);

const crdFiles = existsSync(CRDS) ? readdirSync(CRDS).filter((f) => f.endsWith('.yaml')) : [];
const crdTest = helmMissing || crdFiles.length === 0 ? test.skip : test;
if (!helmMissing && crdFiles.length === 0) {
  console.log(`SKIP chart CRD test: ${CRDS} holds no CRDs yet (npm run crds writes them)`);
}

crdTest('the CRDs in crds/ are rendered with --include-crds', () => {
  const crds = render([], ['--include-crds']).filter((m) => m.kind === 'CustomResourceDefinition');
  assert.equal(crds.map((c) => c.metadata.name).sort(), [
    'auroraclusters.aurora-operator.io',
    'aurorarestores.aurora-operator.io',
  ]);
});

test.run();
