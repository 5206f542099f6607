// The log-init guard end to end: a cluster re-created from its manifest, or with its status wiped, never has
// its replicated log initialized again; the evidence lives in ZooKeeper and on the log PVCs, not in the CR.
import { existsSync, rmSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_INITIALIZED_ANNOTATION } from '../../src/api/contracts.ts';
import { createAuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { createInitMarkerStore, type InitMarkerStore } from '../../src/aurora/init-marker-store.ts';
import { createZkNodePool } from '../../src/aurora/zk-nodes.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type E2eEnv } from './harness.ts';

const NS = 'aurora';
const PODS = ['example-0', 'example-1', 'example-2'];
const MARKER = '/aurora/replicated-log-aurora-operator';
const INITIALIZING = /log-init: initializing the replicated log/g;
const REFUSED_BY_SWITCH = /log-init: skipped: guard=allowed/g;
// any outcome of the first-creation guard: initialized, or skipped by one of the guards
const DECIDED = /log-init: (initializing the replicated log|skipped: guard=)/g;

const WIPE_STATUS = [
  '-n',
  NS,
  'patch',
  'auroracluster',
  'example',
  '--subresource=status',
  '--type=merge',
  '-p',
  '{"status":null}',
];

interface Ctx {
  env?: E2eEnv;
  markers?: InitMarkerStore;
  manifest?: string;
  tasks?: string[];
}

const test = suite<Ctx>('log-init-guard', {});

const env = (ctx: Ctx): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

function count(e: E2eEnv, pattern: RegExp): Record<string, number> {
  return Object.fromEntries(
    PODS.map((pod) => [pod, e.podLogs(NS, pod, 'log-init').match(pattern)?.length ?? 0]),
  );
}

async function leaderAdmin(e: E2eEnv) {
  const c = (await getCluster(e, NS, 'example')) as {
    status?: { leader?: string; members?: Array<{ name: string; podIP?: string }> };
  };
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error('no leader');
  return createAuroraAdminClient({ baseUrl: `http://${ip}:8081`, timeoutMs: 10_000 });
}

async function taskIds(e: E2eEnv): Promise<string[]> {
  const tasks = await (await leaderAdmin(e)).getTasksWithoutConfigs({});
  return tasks.map((t) => t.assignedTask.taskId).sort();
}

async function waitReadyWithTasks(e: E2eEnv, tasks: readonly string[]): Promise<void> {
  await waitFor('example Ready with a registered leader', 300_000, async () => {
    const c = await getCluster(e, NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' &&
      conditionOf(c, 'FrameworkRegistered')?.status === 'True' &&
      c.status?.members?.every((m) => m.logRecovered === true)
      ? c
      : undefined;
  });
  const now = await waitFor('the same tasks as before', 60_000, async () => {
    const ids = await taskIds(e);
    return JSON.stringify(ids) === JSON.stringify(tasks) ? ids : undefined;
  }).catch(() => taskIds(e));
  assert.equal(now, [...tasks], 'the scheduler kept every task');
}

async function gone(e: E2eEnv, args: string[]): Promise<boolean> {
  return (await e.kubectl(['-n', NS, 'get', ...args, '--ignore-not-found', '-o', 'name'])).trim() === '';
}

/** deleteCluster deletes the AuroraCluster and waits until its pods, StatefulSet and ConfigMaps are gone. */
async function deleteCluster(e: E2eEnv): Promise<void> {
  await e.kubectl(['-n', NS, 'delete', 'auroracluster', 'example', '--wait=true']);
  await waitFor(
    'the cluster’s objects to be garbage collected',
    180_000,
    async () =>
      (await gone(e, ['pods', '-l', 'aurora-operator.io/cluster=example'])) &&
      (await gone(e, ['statefulset', 'example'])) &&
      (await gone(e, ['configmap', 'example-log-init'])),
  );
}

/** loseLogVolumes deletes log PVCs, their PersistentVolumes and the data behind them, as after a disk loss. */
async function loseLogVolumes(e: E2eEnv, ordinals: readonly number[]): Promise<void> {
  for (const ordinal of ordinals) {
    const claim = `log-example-${ordinal}`;
    const pv = (await e.kubectl(['-n', NS, 'get', 'pvc', claim, '-o', 'jsonpath={.spec.volumeName}'])).trim();
    await e.kubectl(['-n', NS, 'delete', 'pvc', claim, '--wait=true']);
    if (pv) {
      await waitFor(
        `PersistentVolume ${pv} to be released`,
        60_000,
        async () => (await e.kubectl(['get', 'pv', pv, '--ignore-not-found', '-o', 'name'])).trim() === '',
      );
    }
    rmSync(e.pvcDir(NS, claim), { recursive: true, force: true });
    assert.not.ok(existsSync(e.pvcDir(NS, claim)), `${claim}'s data is gone`);
  }
}

/** waitLogInitDecided waits until log-init of every pod has decided once more than in `before`. */
async function waitLogInitDecided(e: E2eEnv, before: Record<string, number>, extra?: () => Promise<void>) {
  await waitFor('log-init of every new pod to decide', 180_000, async () => {
    await extra?.();
    const now = count(e, DECIDED);
    return PODS.every((pod) => (now[pod] ?? 0) > (before[pod] ?? 0));
  });
}

/** assertRefusedBySwitch: since `before`, no pod initialized and every pod was stopped by the operator's switch. */
function assertRefusedBySwitch(e: E2eEnv, before: { initialized: object; refused: Record<string, number> }) {
  assert.equal(count(e, INITIALIZING), before.initialized, 'no replica was initialized');
  const now = count(e, REFUSED_BY_SWITCH);
  for (const pod of PODS) {
    assert.ok((now[pod] ?? 0) > (before.refused[pod] ?? 0), `${pod}: log-init was refused by guard=allowed`);
  }
}

function snapshot(e: E2eEnv) {
  return {
    initialized: count(e, INITIALIZING),
    refused: count(e, REFUSED_BY_SWITCH),
    decided: count(e, DECIDED),
  };
}

async function logInitSwitch(e: E2eEnv): Promise<string> {
  return (
    await e.kubectl(['-n', NS, 'get', 'configmap', 'example-log-init', '-o', 'jsonpath={.data.allowed}'])
  ).trim();
}

test.before(async (ctx) => {
  const e = await startE2eEnv('127.0.3.8');
  ctx.env = e;
  ctx.markers = createInitMarkerStore(createZkNodePool(5000));
  await e.kubectl(['create', 'namespace', NS]);
  // no backups: only the operator's guard stands between a re-created cluster and a re-initialized log
  ctx.manifest = e
    .exampleManifest()
    .replace('interval: 5mins', 'interval: 1days')
    .replace('snapshotInterval: 10mins', 'snapshotInterval: 1days');
});

test.after(async (ctx) => {
  ctx.markers?.close();
  await ctx.env?.stop();
});

test('a brand-new cluster initializes its log, becomes Ready, and the operator records the evidence', async (ctx) => {
  const e = env(ctx);
  await e.kubectl(['apply', '-f', '-'], ctx.manifest);
  await waitFor('example Ready', 300_000, async () => {
    const c = await getCluster(e, NS, 'example');
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  const runs = Object.values(count(e, INITIALIZING)).reduce((a, b) => a + b, 0);
  assert.ok(runs >= 2, `a quorum initialized, got ${runs}`);
  const uid = (
    await e.kubectl(['-n', NS, 'get', 'auroracluster', 'example', '-o', 'jsonpath={.metadata.uid}'])
  ).trim();
  const marker = await waitFor('the marker to say initialized', 60_000, async () => {
    const read = await ctx.markers?.read({ endpoints: [e.state.zookeeper] }, MARKER);
    return read?.kind === 'present' && read.marker.state === 'initialized' ? read.marker : undefined;
  });
  assert.equal([marker.namespace, marker.name, marker.uid], [NS, 'example', uid]);
  await waitFor('every log PVC to carry the annotation', 60_000, async () => {
    const out = await e.kubectl(['-n', NS, 'get', 'pvc', '-o', 'json']);
    const items = (JSON.parse(out) as { items: Array<{ metadata: { name: string; annotations?: object } }> })
      .items;
    return PODS.every((pod) =>
      items.some(
        (i) =>
          i.metadata.name === `log-${pod}` && LOG_INITIALIZED_ANNOTATION in (i.metadata.annotations ?? {}),
      ),
    );
  });
  await (
    await leaderAdmin(e)
  ).createJob({
    key: { role: 'www', environment: 'prod', name: 'kept' },
    instanceCount: 2,
    taskConfig: { isService: true },
  });
  ctx.tasks = await waitFor('the job’s tasks', 60_000, async () => {
    const ids = await taskIds(e);
    return ids.length === 2 ? ids : undefined;
  });
});

test('a status wiped through the status subresource does not switch log-init on', async (ctx) => {
  const e = env(ctx);
  const before = snapshot(e);
  // every scheduler restarts, and the status is wiped again and again while no replica reports a recovered log
  await e.kubectl(['-n', NS, 'delete', 'pod', ...PODS, '--wait=false']);
  const switches = new Set<string>();
  await waitLogInitDecided(e, before.decided, async () => {
    await e.kubectl(WIPE_STATUS);
    switches.add(await logInitSwitch(e));
  });
  assert.equal([...switches], ['false'], 'the switch never said true');
  assertRefusedBySwitch(e, before);
  await waitReadyWithTasks(e, ctx.tasks ?? []);
});

for (const lost of [[], [2]]) {
  test(`a re-created AuroraCluster with ${lost.length} log volume(s) lost catches up and keeps its tasks`, async (ctx) => {
    const e = env(ctx);
    const before = snapshot(e);
    await deleteCluster(e);
    await loseLogVolumes(e, lost);
    await e.kubectl(['apply', '-f', '-'], ctx.manifest);
    await waitLogInitDecided(e, before.decided);
    assertRefusedBySwitch(e, before);
    await waitReadyWithTasks(e, ctx.tasks ?? []);
    assert.is(await logInitSwitch(e), 'false');
  });
}

test('a re-created AuroraCluster that lost a quorum of log volumes is refused, with the remedy', async (ctx) => {
  const e = env(ctx);
  const before = snapshot(e);
  await deleteCluster(e);
  await loseLogVolumes(e, [0, 1]);
  await e.kubectl(['apply', '-f', '-'], ctx.manifest);
  await waitLogInitDecided(e, before.decided);
  assertRefusedBySwitch(e, before);
  const c = await waitFor('ReplicatedLogInitialized=False/InitializationRefused', 120_000, async () => {
    const got = await getCluster(e, NS, 'example');
    return conditionOf(got, 'ReplicatedLogInitialized')?.reason === 'InitializationRefused' ? got : undefined;
  });
  const cond = conditionOf(c, 'ReplicatedLogInitialized');
  assert.is(cond?.status, 'False');
  assert.match(cond?.message ?? '', `ZooKeeper marker ${MARKER} records the log as initialized`);
  assert.match(cond?.message ?? '', 'log PVC log-example-2');
  assert.match(cond?.message ?? '', 'AuroraRestore, strategy Offline');
  assert.match(cond?.message ?? '', `delete the znode ${MARKER}`);
  assert.is(conditionOf(c, 'Ready')?.status, 'False');
  assert.is(c.status?.phase, 'Degraded', 'an existing cluster short of its quorum, not one being created');
  const events = await e.kubectl([
    '-n',
    NS,
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=example',
  ]);
  assert.match(events, /InitializationRefused/);
  // the pods keep running uninitialized: give them time, then check that nothing was initialized
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  assert.equal(
    count(e, INITIALIZING),
    before.initialized,
    'no replica was initialized after the re-creation',
  );
  assert.is(await logInitSwitch(e), 'false');
});

test.run();
