// Diagnostics end to end: each symptom induced for real (simulator fault switches, ZooKeeper, spec changes) shows
// its condition with the right reason, an event, a metric and the diagnose report, and clears when the fault goes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEDULER_BACKUPS_SUBDIR } from '../../src/api/contracts.ts';
import { createAuroraAdminClient } from '../../src/aurora/admin-client.ts';
import { conditionOf, getCluster, startE2eEnv, waitFor, type ClusterJson, type E2eEnv } from './harness.ts';

const NS = 'aurora';
// two probe intervals of a Ready cluster (READY_REQUEUE_MS 30 s) plus the time the fault needs to show
const WITHIN = 90_000;

const test = suite<{ env?: E2eEnv }>('diagnostics', {});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

function manifest(e: E2eEnv, name: string, extra: (m: string) => string = (m) => m): string {
  return extra(
    e
      .exampleManifest()
      .replace('name: example', `name: ${name}`)
      .replace('replicas: 3', 'replicas: 1')
      .replace('/aurora/scheduler', `/aurora/${name}/scheduler`)
      .replace('/aurora/replicated-log', `/aurora/${name}/replicated-log`)
      .replace('interval: 5mins', 'interval: 10secs')
      .replace('snapshotInterval: 10mins', 'snapshotInterval: 10secs')
      .replace(
        '  jvm:',
        '  diagnostics:\n    window: 1mins\n  thermosObserver:\n    mesosRoot: /var/lib/mesos\n  jvm:',
      ),
  );
}

async function leaderIP(e: E2eEnv, name: string): Promise<string> {
  const c = await getCluster(e, NS, name);
  const ip = (c.status as { leaderEndpoint?: string } | undefined)?.leaderEndpoint?.split(':')[0];
  if (!ip) throw new Error(`${name} has no leader`);
  return ip;
}

async function fault(e: E2eEnv, name: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://${await leaderIP(e, name)}:8081/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  }).catch(() => undefined);
  if (res) await res.text();
}

async function waitCondition(
  e: E2eEnv,
  name: string,
  want: {
    type: string;
    status: string;
    reason: string;
    message?: RegExp;
    also?: (c: ClusterJson) => boolean;
  },
  timeoutMs = WITHIN,
): Promise<ClusterJson> {
  const { type, status, reason, message, also } = want;
  return waitFor(`${name} ${type}=${status} ${reason} ${message ?? ''}`, timeoutMs, async () => {
    const c = await getCluster(e, NS, name);
    const cond = conditionOf(c, type);
    const matches =
      cond?.status === status && cond.reason === reason && (!message || message.test(cond.message));
    return matches && (!also || also(c)) ? c : undefined;
  });
}

async function waitLog(e: E2eEnv, pod: string, container: string, text: string): Promise<void> {
  await waitFor(`${pod}/${container} to log "${text}"`, 180_000, async () =>
    e.podLogs(NS, pod, container).includes(text) ? true : undefined,
  );
}

async function events(e: E2eEnv, name: string): Promise<string> {
  return e.kubectl(['-n', NS, 'get', 'events', '--field-selector', `involvedObject.name=${name}`]);
}

// The leading operator replica is the one whose own gauge says so (the HELP text names the gauge too).
async function metrics(e: E2eEnv): Promise<string> {
  const all = await e.kubectl([
    '-n',
    'aurora-operator',
    'get',
    'pods',
    '-o',
    'jsonpath={.items[*].status.podIP}',
  ]);
  for (const ip of all.split(/\s+/).filter(Boolean)) {
    const body = await fetch(`http://${ip}:8080/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    if (/^aurora_operator_leader 1$/m.test(body)) return body;
  }
  throw new Error('no leading operator answers /metrics');
}

async function waitMetric(e: E2eEnv, pattern: RegExp): Promise<string> {
  let last = '';
  return waitFor(`metric ${pattern}`, 60_000, async () => {
    last = await metrics(e);
    return pattern.test(last) ? last : undefined;
  }).catch((err: unknown) => {
    const cluster = /cluster="([^"]+)"/.exec(pattern.source)?.[1];
    const seen = last.split('\n').filter((l) => (cluster ? l.includes(`cluster="${cluster}"`) : false));
    throw new Error(`${String(err)}; the leader's /metrics had:\n${seen.join('\n')}`);
  });
}

function diagnose(e: E2eEnv, name: string): Promise<string> {
  return e.kubectlAurora(['diagnose', name, '-n', NS]);
}

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.4');
  await ctx.env.kubectl(['create', 'namespace', NS]);
  await ctx.env.kubectl(['apply', '-f', '-'], manifest(ctx.env, 'diag'));
  await ctx.env.kubectl(
    ['apply', '-f', '-'],
    manifest(ctx.env, 'failover', (m) => m.replace('maxLeadingDuration: 6hrs', 'maxLeadingDuration: 40secs')),
  );
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

test('a healthy cluster: symptom conditions good, metrics and a diagnose report', async (ctx) => {
  const e = env(ctx);
  const c = await waitCondition(
    e,
    'diag',
    { type: 'Ready', status: 'True', reason: 'ClusterReady' },
    240_000,
  );
  assert.is(conditionOf(c, 'SchedulersStable')?.status, 'True');
  assert.is(conditionOf(c, 'ExecutorHealthy')?.reason, 'NoLaunchFailures');
  assert.is(conditionOf(c, 'ObserverConfigured')?.reason, 'MesosRootInSync');
  await waitCondition(e, 'diag', { type: 'BackupsHealthy', status: 'True', reason: 'BackupsRecent' });
  const body = await waitMetric(e, /aurora_cluster_ready\{namespace="aurora",cluster="diag"\} 1/);
  assert.match(body, /aurora_cluster_framework_registered\{namespace="aurora",cluster="diag"\} 1/);
  assert.match(body, /aurora_cluster_log_initialized\{namespace="aurora",cluster="diag"\} 1/);
  assert.match(body, /aurora_cluster_newest_backup_age_seconds\{namespace="aurora",cluster="diag"\} \d/);
  assert.match(body, /aurora_cluster_leader_changes_total\{namespace="aurora",cluster="diag"\} [1-9]/);
  const report = await diagnose(e, 'diag');
  assert.match(report, /Aurora cluster aurora\/diag/);
  assert.match(report, /status and live probes/);
  assert.match(report, /diag-0 \*/);
  assert.match(report, /framework_registered sums to 1/);
  assert.match(report, /Replicated log: initialized/);
  assert.match(report, /Backups: newest scheduler-backup-/);
  assert.match(report, /Active problems:\n {2}none/);
});

test('backups failing: scheduler_backup_failed rising gives BackupsHealthy=False BackupFailing, then clears', async (ctx) => {
  const e = env(ctx);
  await fault(e, 'diag', { backupFail: true });
  const c = await waitCondition(e, 'diag', {
    type: 'BackupsHealthy',
    status: 'False',
    reason: 'BackupFailing',
  });
  assert.match(conditionOf(c, 'BackupsHealthy')?.message ?? '', /scheduler_backup_failed/);
  assert.match(await events(e, 'diag'), /BackupFailing/);
  await waitMetric(
    e,
    /aurora_cluster_condition\{[^}]*type="BackupsHealthy",status="False",reason="BackupFailing"\} 1/,
  );
  assert.match(await diagnose(e, 'diag'), /BackupsHealthy=False BackupFailing/);
  await fault(e, 'diag', { backupFail: false });
  await waitCondition(e, 'diag', { type: 'BackupsHealthy', status: 'True', reason: 'BackupsRecent' });
});

test('executor crashing: tasks FAILED without STARTING give ExecutorHealthy=False with task ids, then clear', async (ctx) => {
  const e = env(ctx);
  await fault(e, 'diag', { executorCrash: true });
  const admin = createAuroraAdminClient({
    baseUrl: `http://${await leaderIP(e, 'diag')}:8081`,
    timeoutMs: 5000,
  });
  const key = (name: string) => ({ role: 'www', environment: 'prod', name });
  await admin.createJob({ key: key('crashy'), instanceCount: 2, taskConfig: { isService: true } });
  const c = await waitCondition(e, 'diag', {
    type: 'ExecutorHealthy',
    status: 'False',
    reason: 'ExecutorCrashing',
  });
  assert.match(conditionOf(c, 'ExecutorHealthy')?.message ?? '', /www-prod-crashy-\d-/);
  assert.match(await events(e, 'diag'), /ExecutorCrashing/);
  await waitMetric(e, /type="ExecutorHealthy",status="False",reason="ExecutorCrashing"\} 1/);
  assert.match(await diagnose(e, 'diag'), /ExecutorHealthy=False ExecutorCrashing/);
  await fault(e, 'diag', { executorCrash: false });
  await admin.createJob({ key: key('fine'), instanceCount: 1, taskConfig: { isService: true } });
  await waitCondition(e, 'diag', { type: 'ExecutorHealthy', status: 'True', reason: 'NoLaunchFailures' });
});

test('no distinct leader: an extra member_ node gives LeaderElected=False NoDistinctLeader with the checks', async (ctx) => {
  const e = env(ctx);
  const zk = zookeeper.createClient(e.state.zookeeper);
  await new Promise<void>((resolve) => {
    zk.once('connected', () => resolve());
    zk.connect();
  });
  const data = Buffer.from(
    JSON.stringify({ serviceEndpoint: { host: '127.0.9.9', port: 8081 }, status: 'ALIVE' }),
  );
  const path = await new Promise<string>((resolve, reject) =>
    zk.create('/aurora/diag/scheduler/member_', data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  try {
    const c = await waitCondition(e, 'diag', {
      type: 'LeaderElected',
      status: 'False',
      reason: 'NoDistinctLeader',
    });
    const message = conditionOf(c, 'LeaderElected')?.message ?? '';
    assert.match(message, /2 schedulers advertise/);
    assert.match(message, /LIBPROCESS_IP:LIBPROCESS_PORT/);
    assert.match(message, /127\.0\.9\.9 \(127\.0\.9\.9\), which is no scheduler pod IP/);
    assert.match(message, /native_log_quorum_size=1/);
    assert.match(await events(e, 'diag'), /NoDistinctLeader/);
    await waitMetric(e, /type="LeaderElected",status="False",reason="NoDistinctLeader"\} 1/);
    const report = await diagnose(e, 'diag');
    assert.match(report, /2 member_ node\(s\)/);
    assert.match(report, /LeaderElected=False NoDistinctLeader/);
  } finally {
    await new Promise<void>((resolve) => zk.remove(path, -1, () => resolve()));
    zk.close();
  }
  await waitCondition(e, 'diag', { type: 'LeaderElected', status: 'True', reason: 'LeaderElected' });
});

test('observer root mismatch: an extra --mesos-root gives ObserverConfigured=False, then clears', async (ctx) => {
  const e = env(ctx);
  const patch = (args: string[]) =>
    e.kubectl([
      '-n',
      NS,
      'patch',
      'auroracluster',
      'diag',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { thermosObserver: { extraArgs: args } } }),
    ]);
  await patch(['--mesos-root=/tmp/mesos']);
  const c = await waitCondition(e, 'diag', {
    type: 'ObserverConfigured',
    status: 'False',
    reason: 'MesosRootMismatch',
  });
  assert.match(conditionOf(c, 'ObserverConfigured')?.message ?? '', /--mesos-root=\/tmp\/mesos/);
  assert.match(await events(e, 'diag'), /MesosRootMismatch/);
  await patch([]);
  await waitCondition(e, 'diag', { type: 'ObserverConfigured', status: 'True', reason: 'MesosRootInSync' });
});

test('scheduler crashing: a non-zero exit gives SchedulersStable=False Crashing, cleared after the window', async (ctx) => {
  const e = env(ctx);
  await fault(e, 'diag', { crash: 3 });
  const c = await waitCondition(e, 'diag', { type: 'SchedulersStable', status: 'False', reason: 'Crashing' });
  assert.match(
    conditionOf(c, 'SchedulersStable')?.message ?? '',
    /diag-0 exited 1 time\(s\) in 1mins, last exit 3/,
  );
  assert.match(await events(e, 'diag'), /Crashing/);
  await waitMetric(
    e,
    /aurora_cluster_replica_restarts\{namespace="aurora",cluster="diag",pod="diag-0"\} [1-9]/,
  );
  const report = await diagnose(e, 'diag');
  assert.match(report, /diag-0: exit 3 at .* \(not planned\)/);
  await waitCondition(e, 'diag', { type: 'SchedulersStable', status: 'True', reason: 'Stable' }, 180_000);
});

test('planned failover after -max_leading_duration is PlannedFailover, not Crashing', async (ctx) => {
  const e = env(ctx);
  const c = await waitCondition(
    e,
    'failover',
    { type: 'SchedulersStable', status: 'True', reason: 'PlannedFailover' },
    240_000,
  );
  assert.match(conditionOf(c, 'SchedulersStable')?.message ?? '', /failover-0 exit 0/);
  const seen = await events(e, 'failover');
  assert.match(seen, /PlannedFailover/);
  const cluster = JSON.stringify((await getCluster(e, NS, 'failover')).status);
  assert.not.ok(/Crashing/.test(seen), `planned exits were called Crashing:\n${seen}\n${cluster}`);
});

test('replicated log not initialized: a backup in the way of the log-init guard gives NotInitialized, then clears', async (ctx) => {
  const e = env(ctx);
  const name = 'noinit';
  const replicas = 1;
  // The fault: every replica's backups volume already holds a backup, so the first-creation guard refuses
  // (guard=backups-present) and no replica's log is ever initialized. The claim directory is the one the
  // pod runtime's provisioner uses; creating it before the claim exists is what a pre-populated volume looks like.
  const backupDir = (ordinal: number) =>
    join(e.pvcDir(NS, `backups-${name}-${ordinal}`), SCHEDULER_BACKUPS_SUBDIR);
  const stale = (ordinal: number) => join(backupDir(ordinal), 'scheduler-backup-2026-01-01-00-00');
  for (let i = 0; i < replicas; i++) {
    mkdirSync(backupDir(i), { recursive: true });
    writeFileSync(stale(i), '{"tasks":[]}');
  }
  await e.kubectl(['apply', '-f', '-'], manifest(e, name));
  await waitLog(e, `${name}-0`, 'log-init', 'guard=backups-present');
  // not just "not yet": the scheduler runs, wins the election and cannot start storage on its EMPTY replica
  await waitLog(e, `${name}-0`, 'scheduler', 'the local replica is not VOTING');
  const c = await waitCondition(e, name, {
    type: 'ReplicatedLogInitialized',
    status: 'False',
    reason: 'NotInitialized',
    message: /0 of the 1 replicas needed report an initialized log/,
    also: (cl) => cl.status?.members?.[0]?.logRecovered === false,
  });
  const message = conditionOf(c, 'ReplicatedLogInitialized')?.message ?? '';
  assert.match(message, /first-creation guard applies/);
  assert.match(message, /mesos-log initialize --path=/);
  assert.match(message, /without backups/);
  assert.is(c.status?.replicatedLog?.initialized, false);
  assert.match(await events(e, name), /NotInitialized/);
  await waitMetric(e, /aurora_cluster_log_initialized\{namespace="aurora",cluster="noinit"\} 0/);
  await waitMetric(
    e,
    /aurora_cluster_condition\{[^}]*cluster="noinit",type="ReplicatedLogInitialized",status="False",reason="NotInitialized"\} 1/,
  );
  const report = await diagnose(e, name);
  assert.match(report, /Replicated log: NOT initialized \(the first-creation guard applies/);
  assert.match(report, /ReplicatedLogInitialized=False NotInitialized/);

  // Remove the fault: the backups go, and new pods run log-init again (allowed while the status marker is unset).
  for (let i = 0; i < replicas; i++) rmSync(stale(i), { force: true });
  await e.kubectl(['-n', NS, 'delete', 'pods', '-l', `aurora-operator.io/cluster=${name}`, '--wait=false']);
  const cleared = await waitCondition(
    e,
    name,
    { type: 'ReplicatedLogInitialized', status: 'True', reason: 'QuorumInitialized' },
    180_000,
  );
  assert.is(cleared.status?.replicatedLog?.initialized, true);
  assert.match(e.podLogs(NS, `${name}-0`, 'log-init'), /log-init: initializing the replicated log/);
  assert.match(await events(e, name), /QuorumInitialized/);
  await waitMetric(e, /aurora_cluster_log_initialized\{namespace="aurora",cluster="noinit"\} 1/);
  assert.match(await diagnose(e, name), /Replicated log: initialized at /);
});

test('scheduler not registered: a wrong Mesos master address gives NotRegistered, fixing the spec clears it', async (ctx) => {
  const e = env(ctx);
  const name = 'unreg';
  const right = `zk://${e.state.zookeeper}/mesos`;
  const wrong = `zk://${e.state.zookeeper}/no-mesos-here`;
  await e.kubectl(
    ['apply', '-f', '-'],
    manifest(e, name, (m) =>
      m
        .replace(`masterAddress: ${right}`, `masterAddress: ${wrong}`)
        .replace('maxRegistrationDelay: 1mins', 'maxRegistrationDelay: 20secs'),
    ),
  );
  // the fault shows for real: the leader waits for a master that never appears and gives up after the delay
  await waitLog(e, `${name}-0`, 'scheduler', 'Framework has not been registered within the tolerated delay');
  const c = await waitCondition(e, name, {
    type: 'FrameworkRegistered',
    status: 'False',
    reason: 'NotRegistered',
    also: (cl) => conditionOf(cl, 'ReplicatedLogInitialized')?.status === 'True',
  });
  const message = conditionOf(c, 'FrameworkRegistered')?.message ?? '';
  assert.match(message, /framework_registered sums to 0/);
  assert.ok(message.includes(`spec.mesos.masterAddress = ${wrong}`), message);
  assert.match(await events(e, name), /NotRegistered/);
  await waitMetric(e, /aurora_cluster_framework_registered\{namespace="aurora",cluster="unreg"\} 0/);
  await waitMetric(
    e,
    /aurora_cluster_condition\{[^}]*cluster="unreg",type="FrameworkRegistered",status="False",reason="NotRegistered"\} 1/,
  );
  const report = await diagnose(e, name);
  assert.match(report, /Registration: framework_registered sums to 0; must be 1/);
  assert.match(report, /FrameworkRegistered=False NotRegistered/);

  // Remove the fault: the right address; the operator restarts the scheduler onto the new revision.
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'auroracluster',
    name,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { mesos: { masterAddress: right } } }),
  ]);
  const cleared = await waitCondition(
    e,
    name,
    { type: 'FrameworkRegistered', status: 'True', reason: 'Registered' },
    240_000,
  );
  assert.match(conditionOf(cleared, 'FrameworkRegistered')?.message ?? '', /unreg-0 is registered/);
  assert.match(await events(e, name), /Normal\s+Registered\s/);
  await waitMetric(e, /aurora_cluster_framework_registered\{namespace="aurora",cluster="unreg"\} 1/);
  assert.match(await diagnose(e, name), /Registration: framework_registered sums to 1 \(unreg-0\)/);
});

test.run();
