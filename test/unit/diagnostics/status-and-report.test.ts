// The diagnostics inside computeStatus (conditions, recorded exits, backups, leader changes), the metrics derived
// from a status and the plain-text report.
import { Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusFrom } from '../../support/cluster-status.ts';
import { createClusterMetrics } from '../../../src/diagnostics/cluster-metrics.ts';
import { buildReport } from '../../../src/diagnostics/report.ts';
import { cluster, followerProbe, healthyObserved, leaderProbe } from '../cluster/fixtures.ts';

const now = new Date('2026-11-21T10:00:00Z');
const cond = (s: ReturnType<typeof statusFrom>, type: string) => s.conditions?.find((c) => c.type === type);

function healthy() {
  const observed = healthyObserved();
  const p0 = observed.pods[0];
  if (p0) p0.probe = { ...leaderProbe, backupSuccess: 1, backupFailed: 0, uptimeSecs: 100 };
  observed.diagnostics = {
    libprocessReachable: { 'example-0': true, 'example-1': true, 'example-2': true },
    advertised: [
      { node: 'member_0000000001', host: '127.2.0.2', port: 8081, address: '127.2.0.2', reachable: true },
    ],
    tasks: { outcomes: [] },
    backups: { names: ['scheduler-backup-2026-11-21-09-58'] },
  };
  return observed;
}

test('a healthy cluster has every symptom condition in its good state and records backups', () => {
  const s = statusFrom({ cluster: cluster(), observed: healthy(), rollout: { action: 'none' }, now });
  assert.is(cond(s, 'SchedulersStable')?.reason, 'Stable');
  assert.is(cond(s, 'ExecutorHealthy')?.reason, 'NoLaunchFailures');
  assert.is(cond(s, 'BackupsHealthy')?.reason, 'BackupsRecent');
  assert.is(cond(s, 'ObserverConfigured'), undefined, 'no observer in the spec');
  assert.is(s.backups?.newest, 'scheduler-backup-2026-11-21-09-58');
  assert.is(s.leaderChanges, 1, 'the first election counts');
  assert.is(cond(s, 'Ready')?.status, 'True');
});

test('a crash is recorded in members[].recentExits and gives Crashing without blocking Ready', () => {
  const observed = healthy();
  const p1 = observed.pods[1];
  if (p1) {
    p1.restarts = 1;
    p1.lastTermination = {
      exitCode: 137,
      startedAt: '2026-11-21T09:58:00Z',
      finishedAt: '2026-11-21T09:59:00Z',
    };
  }
  const s = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  assert.equal(s.members?.[1]?.recentExits, [
    { finishedAt: '2026-11-21T09:59:00.000Z', exitCode: 137, ranSeconds: 60, planned: false },
  ]);
  assert.is(cond(s, 'SchedulersStable')?.reason, 'Crashing');
  assert.is(cond(s, 'Ready')?.status, 'True');
});

test('a leader change is counted; the stuck-storage case says the guard does not apply', () => {
  const observed = healthy();
  for (const p of observed.pods)
    p.probe = { ...followerProbe, lifecycle: 'PREPARING_STORAGE', logRecovered: false };
  observed.serverset.members = [];
  const previous = {
    leader: 'example-2',
    leaderChanges: 4,
    replicatedLog: { initialized: true, initializedAt: '2026-01-01T00:00:00.000Z' },
  };
  const s = statusFrom({ cluster: cluster(previous), observed, rollout: { action: 'none' }, now });
  assert.is(s.leaderChanges, 4, 'no leader now: nothing to count');
  const log = cond(s, 'ReplicatedLogInitialized');
  assert.is(log?.reason, 'QuorumNotRecovered');
  assert.match(log?.message ?? '', /first-creation guard does NOT apply/);
  assert.match(cond(s, 'LeaderElected')?.message ?? '', /Checks: every pod's LIBPROCESS_IP:LIBPROCESS_PORT/);
});

test('metrics follow the status and drop a deleted cluster', async () => {
  const registry = new Registry();
  const m = createClusterMetrics(registry, () => now);
  const s = statusFrom({ cluster: cluster(), observed: healthy(), rollout: { action: 'none' }, now });
  m.update('aurora', 'example', s);
  m.setRestorePhase('aurora', 'example', 'Staging');
  const text = await registry.metrics();
  const l = '{namespace="aurora",cluster="example"}';
  assert.match(text, `aurora_cluster_ready${l} 1`);
  assert.match(text, `aurora_cluster_framework_registered${l} 1`);
  assert.match(text, `aurora_cluster_log_initialized${l} 1`);
  assert.match(text, `aurora_cluster_leader_changes_total${l} 1`);
  assert.match(text, `aurora_cluster_newest_backup_age_seconds${l} 60`);
  assert.match(
    text,
    'aurora_cluster_replica_restarts{namespace="aurora",cluster="example",pod="example-1"} 0',
  );
  assert.match(text, 'type="SchedulersStable",status="True",reason="Stable"} 1');
  assert.match(text, 'aurora_cluster_restore_phase{namespace="aurora",cluster="example",phase="Staging"} 1');
  m.update('aurora', 'example', { ...s, leaderChanges: 3 });
  assert.match(await registry.metrics(), `aurora_cluster_leader_changes_total${l} 3`);
  m.update('aurora', 'example', undefined);
  assert.not.match(await registry.metrics(), 'aurora_cluster_ready{');
});

test('the report shows schedulers, log, registration, backups, restarts and problems with remedies', () => {
  const observed = healthy();
  const p1 = observed.pods[1];
  if (p1)
    p1.lastTermination = {
      exitCode: 1,
      startedAt: '2026-11-21T09:58:00Z',
      finishedAt: '2026-11-21T09:59:00Z',
    };
  const c = cluster();
  const status = statusFrom({ cluster: c, observed, rollout: { action: 'none' }, now });
  const text = buildReport({
    namespace: 'aurora',
    name: 'example',
    spec: c.spec,
    status,
    pods: observed.pods,
    live: new Map(observed.pods.map((p) => [p.name, p.probe ?? leaderProbe])),
    serverset: observed.serverset,
    events: [
      { type: 'Warning', reason: 'Crashing', message: 'SchedulersStable=False', at: now.toISOString() },
    ],
    now,
  });
  assert.match(
    text,
    /^Aurora cluster aurora\/example at 2026-11-21T10:00:00.000Z \(status and live probes\)/,
  );
  assert.match(text, /example-0 \* +127\.2\.0\.2 +yes +ACTIVE +yes +yes +leading/);
  assert.match(text, /Replicated log: initialized at/);
  assert.match(text, /framework_registered sums to 1 \(example-0\); must be 1/);
  assert.match(text, /Backups: newest scheduler-backup-2026-11-21-09-58 \(1m old\)/);
  assert.match(text, /example-1: exit 1 at 2026-11-21T09:59:00.000Z after 1m \(not planned\)/);
  assert.match(text, /- SchedulersStable=False Crashing/);
  assert.match(text, /kubectl logs/);
  assert.match(text, /Recent events:\n.*Warning Crashing/);
});

test.run();
