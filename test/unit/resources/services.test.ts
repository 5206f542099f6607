import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildLogInitConfigMap } from '../../../src/resources/log-init.ts';
import { buildPodDisruptionBudget } from '../../../src/resources/pod-disruption-budget.ts';
import { buildClientService, buildHeadlessService } from '../../../src/resources/services.ts';
import { makeCluster } from './cluster-fixture.ts';

const SELECTOR = {
  'app.kubernetes.io/name': 'aurora-scheduler',
  'app.kubernetes.io/instance': 'example',
  'app.kubernetes.io/component': 'scheduler',
};

test('headless Service publishes not-ready peers on http and libprocess', () => {
  const svc = buildHeadlessService(makeCluster({ httpPort: 9081, libprocessPort: 9083 }));
  assert.is(svc.metadata?.name, 'example-headless');
  assert.is(svc.metadata?.namespace, 'aurora');
  assert.is(svc.metadata?.ownerReferences?.[0]?.controller, true);
  assert.equal(svc.spec, {
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    selector: SELECTOR,
    ports: [
      { name: 'http', port: 9081, targetPort: 'http', protocol: 'TCP' },
      { name: 'libprocess', port: 9083, targetPort: 'libprocess', protocol: 'TCP' },
    ],
  });
});

test('client Service selects only the leader pod', () => {
  const svc = buildClientService(makeCluster());
  assert.is(svc.metadata?.name, 'example');
  assert.equal(svc.spec, {
    type: 'ClusterIP',
    selector: { ...SELECTOR, 'aurora-operator.io/role': 'leader' },
    ports: [{ name: 'http', port: 8081, targetPort: 'http', protocol: 'TCP' }],
  });
});

test('PodDisruptionBudget keeps a quorum available', () => {
  for (const [replicas, quorum] of [
    [1, 1],
    [3, 2],
    [5, 3],
    [7, 4],
  ] as const) {
    const pdb = buildPodDisruptionBudget(makeCluster({ replicas }));
    assert.is(pdb.apiVersion, 'policy/v1');
    assert.is(pdb.metadata?.name, 'example');
    assert.equal(pdb.spec, { minAvailable: quorum, selector: { matchLabels: SELECTOR } });
  }
});

test('log-init ConfigMap carries the allowed switch as a string', () => {
  const on = buildLogInitConfigMap(makeCluster(), true);
  assert.is(on.metadata?.name, 'example-log-init');
  assert.equal(on.data, { allowed: 'true' });
  assert.equal(buildLogInitConfigMap(makeCluster(), false).data, { allowed: 'false' });
});

test.run();
