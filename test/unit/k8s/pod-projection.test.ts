// The pod informer caches projectPod's copy: every function that reads cached pods must read the same from it as
// from the full pod, for pods in every state the operator meets (Ready, crash-looping, failing log-init, stuck,
// deleting, pending, without status).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import { computeAgentHosts } from '../../../src/agent/agent-targets.ts';
import type { AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import { observeCluster } from '../../../src/cluster/observe.ts';
import { toObservedPod } from '../../../src/k8s/observed-pod.ts';
import { projectPod } from '../../../src/k8s/pod-projection.ts';
import { observeRestoreWorld } from '../../../src/restore/observe.ts';
import { cluster as makeCluster, leaderProbe } from '../cluster/fixtures.ts';
import { makeRestore } from '../restore/fixtures.ts';

// a scheduler pod as the API server returned it in a fleet benchmark (managedFields dropped, as informers do)
const READY: V1Pod = JSON.parse(
  readFileSync(new URL('fixtures/scheduler-pod.json', import.meta.url), 'utf8'),
);
const STS_UID = READY.metadata?.ownerReferences?.[0]?.uid ?? '';

type Status = NonNullable<V1Pod['status']>;
const copy = (): V1Pod => structuredClone(READY);
function variant(name: string, change: (pod: V1Pod, status: Status) => void): V1Pod {
  const pod = copy();
  pod.metadata = { ...pod.metadata, name };
  change(pod, pod.status ?? {});
  return pod;
}
const container = (status: Status, name: string) =>
  [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
    (c) => c.name === name,
  )!;

const PODS: V1Pod[] = [
  READY,
  variant('fleet-000-1', (_, s) => {
    const main = container(s, 'scheduler');
    main.restartCount = 4;
    main.ready = false;
    main.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting' } };
    main.lastState = {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: new Date('2026-12-06T01:26:03Z'),
        finishedAt: new Date('2026-12-06T01:27:10Z'),
      },
    };
    s.conditions = (s.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
  }),
  variant('fleet-000-2', (_, s) => {
    s.phase = 'Pending';
    delete s.containerStatuses;
    const init = container(s, 'log-init');
    init.restartCount = 3;
    init.state = { waiting: { reason: 'CrashLoopBackOff' } };
    init.lastState = { terminated: { exitCode: 2, reason: 'Error' } };
  }),
  variant('fleet-000-3', (_, s) => {
    container(s, 'backup-agent').state = {
      waiting: { reason: 'ImagePullBackOff', message: 'image aurora-operator:9.9 is not in the store' },
    };
  }),
  variant('fleet-000-4', (pod) => {
    pod.metadata = { ...pod.metadata, deletionTimestamp: new Date('2026-12-06T01:30:00Z') };
  }),
  variant('fleet-000-5', (_, s) => {
    s.phase = 'Pending';
    delete s.podIP;
    delete s.podIPs;
    delete s.initContainerStatuses;
    for (const c of s.containerStatuses ?? []) c.state = { waiting: { reason: 'PodInitializing' } };
    s.conditions = (s.conditions ?? []).filter((c) => c.type === 'PodScheduled');
  }),
  variant('fleet-000-6', (pod) => {
    delete pod.status;
  }),
  // a pod of another StatefulSet at a pod IP: it must get no agent token from either copy
  variant('fleet-000-7', (pod, s) => {
    pod.metadata = {
      ...pod.metadata,
      ownerReferences: (pod.metadata?.ownerReferences ?? []).map((ref) => ({ ...ref, uid: 'other' })),
    };
    s.podIP = '127.60.0.99';
  }),
];

test('a projected pod keeps no spec and a fraction of the bytes', () => {
  const projected = projectPod(copy());
  assert.is(projected.spec, undefined);
  assert.ok(JSON.stringify(projected).length * 4 < JSON.stringify(READY).length);
});

test('toObservedPod reads the same from the projected pod as from the full pod, in every state', () => {
  for (const pod of PODS) {
    assert.equal(toObservedPod(projectPod(structuredClone(pod))), toObservedPod(pod), pod.metadata?.name);
  }
  // the variants do differ in what they observe, so the comparison above covers each state
  const distinct = new Set(PODS.map((p) => JSON.stringify({ ...toObservedPod(p), name: '', ordinal: 0 })));
  assert.is(distinct.size, PODS.length);
});

test('the backup-agent host guard trusts the same IPs for projected pods', () => {
  const sts: V1StatefulSet = { metadata: { name: 'fleet-000', namespace: 'fleet', uid: STS_UID } };
  const full = computeAgentHosts(sts, PODS);
  assert.ok(full.size > 0);
  assert.ok(!full.has('127.60.0.99'));
  assert.equal(
    computeAgentHosts(
      sts,
      PODS.map((p) => projectPod(structuredClone(p))),
    ),
    full,
  );
});

test("the restore's observed world is the same from projected pods", async () => {
  const cluster = makeCluster();
  const agents = {
    listMarkers: async () => ['m1'],
    listBackups: async () => [],
  } as unknown as AgentClient;
  const observe = (pods: V1Pod[]) =>
    observeRestoreWorld(makeRestore(), {
      getCluster: () => cluster,
      statefulSet: () => undefined,
      pods: () => pods,
      readConfigMap: async () => undefined,
      networkPolicyExists: async () => false,
      agents: async () => agents,
      admin: () => ({}) as AuroraAdminClient,
      probe: async () => leaderProbe,
      limit: (fn) => fn(),
    });
  const full = await observe(PODS);
  assert.ok(full.pods.some((p) => p.logInitFailures !== undefined));
  assert.equal(await observe(PODS.map((p) => projectPod(structuredClone(p)))), full);
});

// the cluster observe probes each pod over HTTP: a local server answers, the same for both copies
async function withProbeServer(run: (port: number) => Promise<void>): Promise<void> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("the cluster's observation is the same from projected pods", async () => {
  await withProbeServer(async (port) => {
    const cluster = makeCluster();
    cluster.spec.httpPort = port;
    cluster.spec.libprocessPort = port;
    const local = (pod: V1Pod): V1Pod =>
      pod.status?.podIP ? { ...pod, status: { ...pod.status, podIP: '127.0.0.1' } } : pod;
    const observe = (pods: V1Pod[]) =>
      observeCluster(cluster, {
        statefulSet: () => undefined,
        pods: () => pods,
        serverset: { readMembers: async () => [], close: () => undefined },
        limit: (fn) => fn(),
        probeTimeoutMs: 2000,
        digestCredentials: async () => undefined,
      });
    const pods = PODS.map(local);
    const full = await observe(pods);
    assert.is(full.pods.length, PODS.length);
    assert.equal(await observe(pods.map((p) => projectPod(structuredClone(p)))), full);
  });
});

test.run();
