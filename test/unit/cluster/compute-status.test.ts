import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_EVIDENCE, statusFrom } from '../../support/cluster-status.ts';
import { computeStatus } from '../../../src/cluster/compute-status.ts';
import { planCluster } from '../../../src/cluster/plan.ts';
import { conditionTypesOf } from '../../../src/api/conditions.ts';
import { ObjectStoreSpec } from '../../../src/api/object-store-spec.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import { cluster, followerProbe, healthyObserved, leaderProbe, pod } from './fixtures.ts';

const now = new Date('2026-11-21T10:00:00Z');
const condition = (status: ReturnType<typeof statusFrom>, type: string) =>
  status.conditions?.find((c) => c.type === type);

test('a healthy quorum with one registered leader is Ready and sets the initialization marker', () => {
  const status = statusFrom({
    cluster: cluster(),
    observed: healthyObserved(),
    rollout: { action: 'none' },
    now,
  });
  assert.is(status.phase, 'Running');
  assert.is(status.leader, 'example-0');
  assert.is(status.readyReplicas, 3);
  assert.is(status.quorumSize, 2);
  assert.is(status.observedGeneration, 2);
  assert.equal(status.replicatedLog, { initialized: true, initializedAt: now.toISOString() });
  for (const type of ['Ready', 'ReplicatedLogInitialized', 'LeaderElected', 'FrameworkRegistered']) {
    assert.is(condition(status, type)?.status, 'True', type);
  }
  assert.is(condition(status, 'Degraded')?.status, 'False');
});

test('the initialization marker is never cleared once set, even when no replica reports recovered', () => {
  const observed = healthyObserved();
  for (const p of observed.pods) p.probe = { ...followerProbe, logRecovered: false };
  const previous = { replicatedLog: { initialized: true, initializedAt: '2026-01-01T00:00:00.000Z' } };
  const status = statusFrom({ cluster: cluster(previous), observed, rollout: { action: 'none' }, now });
  assert.equal(status.replicatedLog, previous.replicatedLog);
});

test('an uninitialized log is reported with the seed remedy and the guard statement', () => {
  const observed = healthyObserved();
  for (const p of observed.pods) p.probe = { ...followerProbe, logRecovered: false };
  observed.serverset.members = [];
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  const c = condition(status, 'ReplicatedLogInitialized');
  assert.is(c?.status, 'False');
  assert.is(c?.reason, 'NotInitialized');
  assert.match(c?.message ?? '', /mesos-log initialize/);
  assert.is(status.phase, 'Initializing');
  assert.is(status.replicatedLog?.initialized, false);
});

test('no member_ node gives LeaderElected=False with the seed wording and names a leader awaiting registration', () => {
  const observed: ObservedCluster = {
    ...healthyObserved(),
    pods: [
      pod(0, {
        probe: { ...leaderProbe, lifecycle: 'LEADER_AWAITING_REGISTRATION', frameworkRegistered: false },
      }),
      pod(1),
      pod(2),
    ],
    serverset: { members: [] },
  };
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  const leader = condition(status, 'LeaderElected');
  assert.is(leader?.status, 'False');
  assert.is(leader?.reason, 'NoDistinctLeader');
  assert.match(leader?.message ?? '', /No distinct leader elected/);
  assert.match(leader?.message ?? '', /example-0 won the election/);
  const registered = condition(status, 'FrameworkRegistered');
  assert.is(registered?.reason, 'NotRegistered');
  assert.match(registered?.message ?? '', /zk:\/\/127\.0\.3\.1:2181\/mesos/);
  assert.match(registered?.message ?? '', /--zk/);
  assert.is(condition(status, 'Ready')?.status, 'False');
});

test('several member_ nodes are not a distinct leader', () => {
  const observed = healthyObserved();
  observed.serverset.members.push({ node: 'member_0000000002', host: '127.2.0.3', port: 8081 });
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  assert.is(condition(status, 'LeaderElected')?.reason, 'NoDistinctLeader');
  assert.is(status.leader, undefined);
});

test('lastTransitionTime stays when a condition keeps its status', () => {
  const first = statusFrom({
    cluster: cluster(),
    observed: healthyObserved(),
    rollout: { action: 'none' },
    now,
  });
  const later = new Date(now.getTime() + 60_000);
  const second = statusFrom({
    cluster: cluster(first),
    observed: healthyObserved(),
    rollout: { action: 'none' },
    now: later,
  });
  assert.is(condition(second, 'Ready')?.lastTransitionTime, now.toISOString());
});

test('quorum loss and a spec problem make the cluster Degraded', () => {
  const observed = healthyObserved();
  observed.pods[1]!.probe = { healthy: false, leaderHealth: 'unknown' };
  observed.pods[2]!.probe = { healthy: false, leaderHealth: 'unknown' };
  const initialized = { replicatedLog: { initialized: true, initializedAt: '2026-01-01T00:00:00.000Z' } };
  const lost = statusFrom({ cluster: cluster(initialized), observed, rollout: { action: 'none' }, now });
  assert.is(condition(lost, 'Degraded')?.reason, 'QuorumLost');
  const refused = statusFrom({
    cluster: cluster(),
    observed: healthyObserved(),
    rollout: { action: 'none' },
    now,
    problem: { reason: 'ReplicasChangeRefused', message: 'no' },
  });
  assert.is(condition(refused, 'Degraded')?.reason, 'ReplicasChangeRefused');
  assert.is(refused.phase, 'Degraded');
});

test('a restore lock shows as the Restoring phase with the lock', () => {
  const status = statusFrom({
    cluster: cluster(),
    observed: healthyObserved(),
    rollout: { action: 'none' },
    now,
    lockedBy: 'r1',
  });
  assert.is(status.phase, 'Restoring');
  assert.equal(status.lock, { restore: 'r1', since: now.toISOString() });
});

test('schedulers still starting in a brand-new cluster are not Degraded but Initializing', () => {
  const observed = healthyObserved();
  for (const p of observed.pods) p.probe = { healthy: false, leaderHealth: 'unknown' };
  observed.serverset.members = [];
  const status = statusFrom({ cluster: cluster(), observed, rollout: { action: 'none' }, now });
  assert.is(condition(status, 'Degraded')?.status, 'False');
  assert.is(condition(status, 'Degraded')?.reason, 'Creating');
  assert.is(status.phase, 'Initializing');
});

/** a pass in which a rehearsal restore finished: BackupsVerified joins the conditions */
function verifiedStatus(): ReturnType<typeof statusFrom> {
  const c = cluster();
  const observed = healthyObserved();
  return computeStatus({
    cluster: c,
    observed,
    now,
    plan: planCluster(c, { observed, evidence: NO_EVIDENCE }, now),
    rehearsal: {
      backups: {
        lastVerified: { name: 'scheduler-backup-2026-11-21-09-00', at: now.toISOString(), tasks: 3 },
      },
      condition: { type: 'BackupsVerified', status: 'True', reason: 'RehearsalSucceeded', message: 'ok' },
    },
  });
}

test('a finished rehearsal sets BackupsVerified and lastVerified, and a disabled verify drops the condition', () => {
  const status = verifiedStatus();
  assert.is(condition(status, 'BackupsVerified')?.status, 'True');
  assert.is(status.backups?.lastVerified?.tasks, 3);
  const off = cluster(status);
  off.spec.backup.verify.enabled = false;
  const observed = healthyObserved();
  const again = computeStatus({
    cluster: off,
    observed,
    now,
    plan: planCluster(off, { observed, evidence: NO_EVIDENCE }, now),
  });
  assert.is(condition(again, 'BackupsVerified'), undefined);
});

function shippingStatus() {
  const shipping = cluster();
  shipping.spec.backup.objectStore = ObjectStoreSpec.parse({ bucket: 'backups' });
  const observed = { ...healthyObserved(), shipping: [] };
  return statusFrom({ cluster: shipping, observed, rollout: { action: 'none' }, now });
}

test('every condition the cluster status gets is in the table, and every cluster type in the table is set', () => {
  const initialized = { replicatedLog: { initialized: true, initializedAt: '2026-01-01T00:00:00.000Z' } };
  const observer = cluster(initialized);
  observer.spec.thermosObserver = { mesosRoot: '/var/lib/mesos', extraArgs: ['--mesos-root=/tmp/mesos'] };
  const sick = healthyObserved();
  sick.pods[1] = pod(1, {
    probe: { healthy: false, leaderHealth: 'unknown' },
    waitingReason: 'CrashLoopBackOff',
  });
  sick.serverset.members = [];
  const worlds = [
    statusFrom({ cluster: cluster(), observed: healthyObserved(), rollout: { action: 'none' }, now }),
    statusFrom({ cluster: observer, observed: healthyObserved(), rollout: { action: 'none' }, now }),
    statusFrom({ cluster: cluster(initialized), observed: sick, now }),
    statusFrom({ cluster: cluster(), observed: { ...healthyObserved(), pods: [] }, now }),
    verifiedStatus(),
    shippingStatus(),
  ];
  const tableTypes: readonly string[] = conditionTypesOf('AuroraCluster');
  const written = new Set(worlds.flatMap((s) => (s.conditions ?? []).map((c) => c.type)));
  for (const type of written) assert.ok(tableTypes.includes(type), `${type} is not in CONDITION_TYPES`);
  assert.equal([...written].sort(), [...tableTypes].sort());
});

test.run();
