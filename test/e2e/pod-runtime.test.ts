// End-to-end test of the local pod runtime against a real kube-apiserver and kube-controller-manager.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ControlPlane } from '../world/local-env/control-plane.ts';
import type { PodRuntime } from '../world/local-env/pod-runtime/main.ts';
import {
  busyboxPod,
  containerLog,
  createStatefulSet,
  podReady,
  processesMatching,
  waitFor,
  waitForLog,
  waitForPod,
  type Clients,
} from './fixtures/pod-runtime/harness.ts';
import { startRuntimeWorld, type RuntimeWorld } from './fixtures/pod-runtime/runtime-world.ts';

const ns = 'pod-runtime-e2e';
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/pod-runtime');
let world: RuntimeWorld | undefined;
let stateDir: string;
let cp: ControlPlane;
let runtime: PodRuntime;
let k: Clients;

const shellPod = (
  name: string,
  script: string,
  extra?: Partial<V1PodSpec>,
  container?: Partial<V1Container>,
) => busyboxPod(ns, name, script, extra, container);

async function createPod(pod: V1Pod): Promise<V1Pod> {
  return k.core.createNamespacedPod({ namespace: ns, body: pod });
}

test.before(async () => {
  world = await startRuntimeWorld('pod-runtime-e2e', ns);
  ({ cp, runtime, k, stateDir } = world);
});

test.after(async () => {
  await world?.stop();
});

test('registers a Ready node and renews its lease', async () => {
  const node = await k.core.readNode({ name: runtime.nodeName });
  assert.ok(node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const { CoordinationV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const lease = await kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name: runtime.nodeName, namespace: 'kube-node-lease' });
  assert.is(lease.spec?.holderIdentity, runtime.nodeName);
});

test('runs sh with env, downward API, $(VAR) expansion and a claim mounted at its mountPath', async () => {
  await k.core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'settings' }, data: { COLOR: 'blue' } },
  });
  await k.core.createNamespacedPersistentVolumeClaim({
    namespace: ns,
    body: {
      metadata: { name: 'scratch' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
  const script = [
    'echo "greeting=$(GREETING) composed=$COMPOSED escaped=$ESCAPED"',
    'echo "name=$POD_NAME ns=$POD_NAMESPACE ip=$POD_IP app=$APP color=$COLOR host=$(hostname)"',
    'echo "labels=$(cat /etc/podinfo/labels)"',
    'echo persisted > /var/lib/scratch/out.txt && echo wrote',
    'sleep 3600',
  ].join('; ');
  const pod = shellPod('env-demo', script, {
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'scratch' } },
      {
        name: 'podinfo',
        downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
      },
    ],
  });
  pod.spec!.containers[0] = {
    ...pod.spec!.containers[0]!,
    envFrom: [{ configMapRef: { name: 'settings' } }],
    env: [
      { name: 'GREETING', value: 'hello' },
      { name: 'COMPOSED', value: '$(GREETING)-world' },
      { name: 'ESCAPED', value: '$$(GREETING)' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    ],
    volumeMounts: [
      { name: 'data', mountPath: '/var/lib/scratch' },
      { name: 'podinfo', mountPath: '/etc/podinfo' },
    ],
  };
  const created = await createPod(pod);
  const running = await waitForPod(
    k.core,
    ns,
    'env-demo',
    (p) => p.status?.phase === 'Running' && podReady(p),
  );
  assert.match(running.status?.podIP ?? '', /^127\.14\.\d+\.\d+$/);
  assert.is(running.status?.hostIP, '127.0.0.1');
  assert.is(running.spec?.nodeName, runtime.nodeName);
  const log = await waitForLog(stateDir, created, 'main', /wrote/);
  assert.match(log, 'greeting=hello composed=hello-world escaped=$(GREETING)');
  assert.match(
    log,
    `name=env-demo ns=${ns} ip=${running.status?.podIP} app=env-demo color=blue host=env-demo`,
  );
  assert.match(log, 'labels=app="env-demo"');
  const onHost = path.join(stateDir, 'volumes/pvc', ns, 'scratch', 'out.txt');
  assert.is(fs.readFileSync(onHost, 'utf8'), 'persisted\n');
  const status = running.status!.containerStatuses![0]!;
  assert.ok(status.state?.running?.startedAt);
  assert.is(status.ready, true);
  assert.is(status.started, true);
  assert.match(status.containerID ?? '', /^local:\/\//);
});

test('restarts a crashing container and reports restartCount and lastState', async () => {
  await createPod(shellPod('crasher', 'echo starting; exit 3'));
  const pod = await waitForPod(
    k.core,
    ns,
    'crasher',
    (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2,
  );
  const status = pod.status!.containerStatuses![0]!;
  assert.is(status.lastState?.terminated?.exitCode, 3);
  assert.is(status.lastState?.terminated?.reason, 'Error');
  assert.is(pod.status?.phase, 'Running');
  await waitForPod(
    k.core,
    ns,
    'crasher',
    (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
  );
  assert.match(containerLog(stateDir, pod, 'main', 1), 'starting');
});

test('restartPolicy Never ends in Succeeded or Failed; a failed init container fails the pod', async () => {
  await createPod(shellPod('succeeds', 'exit 0', { restartPolicy: 'Never' }));
  await createPod(shellPod('fails', 'exit 4', { restartPolicy: 'Never' }));
  const initFails = shellPod('init-fails', 'sleep 3600', { restartPolicy: 'Never' });
  initFails.spec!.initContainers = [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'exit 5'] }];
  await createPod(initFails);
  await waitForPod(k.core, ns, 'succeeds', (p) => p.status?.phase === 'Succeeded');
  const failed = await waitForPod(k.core, ns, 'fails', (p) => p.status?.phase === 'Failed');
  assert.is(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 4);
  const initFailed = await waitForPod(k.core, ns, 'init-fails', (p) => p.status?.phase === 'Failed');
  assert.is(initFailed.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 5);
  assert.is(initFailed.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
});

test('a failing httpGet liveness probe restarts the container; an exec readiness probe drives Ready', async () => {
  const pod = shellPod(
    'probed',
    '',
    {
      volumes: [
        { name: 'flags', emptyDir: {} },
        { name: 'fixtures', hostPath: { path: fixtures } },
      ],
    },
    {
      // the operator image brings node; the test server comes from the host through a hostPath volume
      image: 'aurora-operator:0.1.0',
      command: ['node', '/fixtures/http-server.ts'],
      env: [
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HEALTHY_SECONDS', value: '3' },
      ],
      ports: [{ name: 'http', containerPort: 8080 }],
      volumeMounts: [
        { name: 'flags', mountPath: '/flags' },
        { name: 'fixtures', mountPath: '/fixtures', readOnly: true },
      ],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 2 },
      readinessProbe: { exec: { command: ['test', '-f', '/flags/ready'] }, periodSeconds: 1 },
    },
  );
  const created = await createPod(pod);
  const running = await waitForPod(
    k.core,
    ns,
    'probed',
    (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined,
  );
  assert.is(podReady(running), false);
  const flag = path.join(stateDir, 'pods', created.metadata!.uid!, 'volumes', 'flags', 'ready');
  fs.writeFileSync(flag, '');
  await waitForPod(
    k.core,
    ns,
    'probed',
    (p) => podReady(p) && p.status!.containerStatuses![0]!.ready === true,
  );
  fs.rmSync(flag);
  await waitForPod(k.core, ns, 'probed', (p) => !podReady(p));
  const restarted = await waitForPod(
    k.core,
    ns,
    'probed',
    (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
  );
  const last = restarted.status!.containerStatuses![0]!.lastState?.terminated;
  assert.ok(last, 'lastState.terminated is reported');
  assert.match(containerLog(stateDir, created, 'main', 0), 'listening on 127.14.');
});

test('init containers run in order, a failing one is retried, then the app starts', async () => {
  const init = (name: string, script: string): V1Container => ({
    name,
    image: 'busybox',
    command: ['sh', '-c', script],
    volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
  });
  const pod = shellPod(
    'with-init',
    'cat /shared/order; sleep 3600',
    {
      volumes: [{ name: 'shared', emptyDir: {} }],
      initContainers: [
        init('first', 'echo first >> /shared/order'),
        init(
          'flaky',
          'n=$(cat /shared/n 2>/dev/null || echo 0); echo $((n+1)) > /shared/n; echo flaky >> /shared/order; [ "$n" -ge 1 ]',
        ),
        init('last', 'echo last >> /shared/order'),
      ],
    },
    { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
  );
  const created = await createPod(pod);
  const running = await waitForPod(k.core, ns, 'with-init', (p) => p.status?.phase === 'Running');
  const log = await waitForLog(stateDir, created, 'main', /last/);
  assert.is(log, 'first\nflaky\nflaky\nlast\n');
  const statuses = running.status!.initContainerStatuses!;
  assert.equal(
    statuses.map((s) => s.name),
    ['first', 'flaky', 'last'],
  );
  assert.is(statuses[1]!.restartCount, 1);
  assert.is(statuses[1]!.lastState?.terminated?.exitCode, 1);
  assert.ok(statuses.every((s) => s.state?.terminated?.reason === 'Completed'));
  assert.ok(running.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True'));
});

test('deletion sends SIGTERM, then SIGKILL after the grace period, then removes the pod', async () => {
  const marker = `grace-marker-${process.pid}`;
  const script = `trap 'echo got TERM' TERM; echo ${marker}; while true; do sleep 0.1; done`;
  const created = await createPod(shellPod('stubborn', script, { terminationGracePeriodSeconds: 2 }));
  await waitForPod(k.core, ns, 'stubborn', (p) => p.status?.phase === 'Running');
  await waitForLog(stateDir, created, 'main', new RegExp(marker));
  const started = Date.now();
  await k.core.deleteNamespacedPod({ name: 'stubborn', namespace: ns });
  await waitFor('pod to be gone', async () => {
    try {
      await k.core.readNamespacedPod({ name: 'stubborn', namespace: ns });
      return undefined;
    } catch {
      return true;
    }
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1900, `pod removed after ${elapsed}ms, before the grace period`);
  assert.match(containerLog(stateDir, created, 'main'), 'got TERM');
  const survivors = processesMatching(marker);
  assert.equal(survivors, []);
});

test('a StatefulSet gets its pods and claims, and claim data survives pod re-creation', async () => {
  await createStatefulSet(k, ns);
  const first = await waitForPod(k.core, ns, 'web-1', (p) => podReady(p), 60_000);
  const web0 = await k.core.readNamespacedPod({ name: 'web-0', namespace: ns });
  const claims = await k.core.listNamespacedPersistentVolumeClaim({ namespace: ns });
  for (const claim of ['data-web-0', 'data-web-1']) {
    assert.is(claims.items.find((c) => c.metadata?.name === claim)?.status?.phase, 'Bound');
  }
  assert.match(await waitForLog(stateDir, first, 'main', /boots=/), 'boots=1');
  await k.core.deleteNamespacedPod({ name: 'web-0', namespace: ns });
  const recreated = await waitForPod(
    k.core,
    ns,
    'web-0',
    (p) => p.metadata?.uid !== web0.metadata?.uid && podReady(p),
    60_000,
  );
  assert.match(await waitForLog(stateDir, recreated, 'main', /boots=/), 'boots=2');
});

test("a pod's service-account token authenticates under RBAC", async () => {
  await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const script = `echo "token=$(cat ${sa}/token)"; echo "ns=$(cat ${sa}/namespace)"; echo "api=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"; test -s ${sa}/ca.crt && echo ca-ok; sleep 3600`;
  const created = await createPod(shellPod('token-check', script, { serviceAccountName: 'reader' }));
  const log = await waitForLog(stateDir, created, 'main', /ca-ok/);
  assert.match(log, `ns=${ns}`);
  assert.match(log, `api=127.0.0.1:${cp.port}`);
  const token = /token=(\S+)/.exec(log)![1]!;
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(cp.caFile) } });
  const listPods = async (): Promise<number> => {
    const res = await request(`${cp.server}/api/v1/namespaces/${ns}/pods`, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
    });
    await res.body.dump();
    return res.statusCode;
  };
  try {
    assert.is(await listPods(), 403);
    await k.rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
      },
    });
    await k.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'pod-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
      },
    });
    await waitFor(
      'RoleBinding to take effect',
      async () => ((await listPods()) === 200 ? true : undefined),
      10_000,
    );
  } finally {
    await dispatcher.close();
  }
});

test.run();
