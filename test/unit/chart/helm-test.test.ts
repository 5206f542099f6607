// `helm test`: the chart's test hook runs `aurora-operator check-install` from the operator image against the
// operator's Service, restricted like the operator, and is never counted as an operator pod.
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { chartTest, FULLNAME, NAMESPACE, operatorContainer, render, type Manifest } from './chart-fixture.ts';

interface TestPod extends Manifest {
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: {
    restartPolicy: string;
    securityContext: unknown;
    imagePullSecrets?: unknown;
    containers: Array<{ image: string; command: string[]; securityContext: unknown }>;
  };
}

function testPod(set: string[] = []): TestPod {
  const pods = render(set).filter((m) => m.kind === 'Pod') as TestPod[];
  assert.is(pods.length, 1, 'one test pod');
  return pods[0] as TestPod;
}

chartTest('helm test runs check-install against the Service URL, from the operator image', () => {
  const pod = testPod();
  assert.is(pod.metadata.name, `${FULLNAME}-check-install`);
  assert.is(pod.metadata.namespace, NAMESPACE);
  assert.is(pod.metadata.annotations['helm.sh/hook'], 'test');
  assert.match(pod.metadata.annotations['helm.sh/hook-delete-policy'] ?? '', 'hook-succeeded');
  assert.is(pod.spec.restartPolicy, 'Never');
  const [container] = pod.spec.containers;
  const { container: operator, pod: operatorPod } = operatorContainer(render());
  assert.is(container?.image, operator['image']);
  assert.equal(container?.command, [
    'aurora-operator',
    'check-install',
    '--url',
    `http://${FULLNAME}.${NAMESPACE}.svc:8080/readyz`,
  ]);
  // as restricted as the operator itself
  assert.equal(container?.securityContext, operator['securityContext']);
  assert.equal(pod.spec.securityContext, operatorPod['securityContext']);
});

chartTest(
  "the test pod carries none of the operator's selector labels, so no Deployment or Service counts it",
  () => {
    const { labels } = testPod().metadata;
    assert.is(labels['app.kubernetes.io/name'], undefined);
    assert.is(labels['app.kubernetes.io/instance'], undefined);
    assert.is(labels['app.kubernetes.io/component'], 'test');
  },
);

chartTest('the test pod follows service.port, image and imagePullSecrets', () => {
  const pod = testPod([
    'service.port=9090',
    'image.repository=registry.example.com/aurora-operator',
    'image.tag=1.2.3',
    'imagePullSecrets[0].name=pull',
  ]);
  assert.is(pod.spec.containers[0]?.command[3], `http://${FULLNAME}.${NAMESPACE}.svc:9090/readyz`);
  assert.is(pod.spec.containers[0]?.image, 'registry.example.com/aurora-operator:1.2.3');
  assert.equal(pod.spec.imagePullSecrets, [{ name: 'pull' }]);
});

chartTest('helm template --skip-tests leaves the test pod out, as helm install does', () => {
  assert.not.ok(render([], ['--skip-tests']).some((m) => m.kind === 'Pod'));
});

test.run();
