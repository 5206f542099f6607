import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';
import { buildDesiredResources } from '../../../src/resources/desired-resources.ts';
import { makeCluster } from './cluster-fixture.ts';

test('returns every object in apply order', () => {
  const objects = buildDesiredResources(makeCluster());
  assert.equal(
    objects.map((o) => `${o.kind}/${o.metadata?.name}`),
    [
      'ConfigMap/example-log-init',
      'Service/example-headless',
      'Service/example',
      'PodDisruptionBudget/example',
      'StatefulSet/example',
    ],
  );
  for (const o of objects) assert.is(o.metadata?.namespace, 'aurora');
});

test('log init is allowed until the status marks the log initialized, unless overridden', () => {
  const allowed = (objects: ReturnType<typeof buildDesiredResources>) =>
    (objects[0] as V1ConfigMap).data?.['allowed'];
  const fresh = makeCluster();
  assert.is(allowed(buildDesiredResources(fresh)), 'true');
  const initialized = { ...fresh, status: { replicatedLog: { initialized: true } } };
  assert.is(allowed(buildDesiredResources(initialized)), 'false');
  assert.is(allowed(buildDesiredResources(fresh, { logInitAllowed: false })), 'false');
});

test('mode and replicas options reach the StatefulSet', () => {
  const sts = buildDesiredResources(makeCluster(), { mode: 'recovery', replicas: 1 })[4] as V1StatefulSet;
  assert.is(sts.spec?.replicas, 1);
  assert.ok(sts.spec?.template.spec?.containers[0]?.args?.includes('-reconciliation_initial_delay=365days'));
});

test('builders are pure: same input, same output, input untouched', () => {
  const cluster = makeCluster();
  const before = JSON.stringify(cluster);
  assert.equal(buildDesiredResources(cluster), buildDesiredResources(cluster));
  assert.is(JSON.stringify(cluster), before);
});

test.run();
