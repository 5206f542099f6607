// One pass of the rehearsal beside the cluster's reconcile: it starts only when due and unblocked, runs a step and
// folds its result into the checkpoint, and never fails the pass when a step or the observation fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import type { RehearsalDeps } from '../../../src/cluster/ensure-rehearsal.ts';
import { planCluster } from '../../../src/cluster/plan.ts';
import { reconcileRehearsal, rehearsalBlockedBy } from '../../../src/cluster/run-rehearsal.ts';
import { createLogger } from '../../../src/log.ts';
import { NO_EVIDENCE } from '../../support/cluster-status.ts';
import { cluster, healthyObserved } from './fixtures.ts';

const now = new Date('2026-12-06T04:00:00Z');
const READY = [
  { type: 'Ready', status: 'True' as const, reason: 'Ready', message: '', lastTransitionTime: '' },
];
const BACKUP = {
  name: 'scheduler-backup-2026-12-06-03-00',
  takenAt: '2026-12-06T03:00:00Z',
  replica: 'example-0',
};

function deps(fail?: Error): RehearsalDeps & { log: ReturnType<typeof createLogger>; now: () => Date } {
  return {
    kube: {
      apply: async (o) => o,
      applyStatus: async () => undefined,
      mergePatch: async () => undefined,
      delete: async () => true,
      recordEvent: async () => undefined,
    },
    cachedPod: () => ({ status: { podIP: '127.0.3.30' } }),
    networkPolicyExists: async () => false,
    zk: { exists: async () => false, removeTree: async () => undefined },
    agents: () => ({
      listBackups: async () => [],
      copyBackup: async () => 0,
      summarizeBackup: async () => {
        if (fail) throw fail;
        return { name: BACKUP.name, size: 1, timestamp: 0, tasks: [], cronJobs: [], quotas: [] };
      },
    }),
    lifecycle: async () => undefined,
    readTasks: async () => [],
    digestCredentials: async () => undefined,
    log: createLogger('test', 'silent'),
    now: () => now,
  };
}

function pass(status: AuroraClusterStatus, fail?: Error) {
  const c = cluster({ conditions: READY, ...status });
  const observed = healthyObserved();
  const obs = { observed, evidence: NO_EVIDENCE, newestBackup: BACKUP };
  return reconcileRehearsal(c, obs, planCluster(c, obs, now), deps(fail));
}

test('a Ready cluster with a backup plans a rehearsal; the next pass isolates it', async () => {
  const first = await pass({});
  assert.is(first.backups.rehearsal?.phase, 'Planned');
  const second = await pass({ backups: { rehearsal: first.backups.rehearsal! } });
  assert.is(second.backups.rehearsal?.phase, 'Isolate');
  assert.is(second.backups.rehearsal?.tasks, 0);
});

test('a failing step keeps the checkpoint and never throws', async () => {
  const planned = {
    phase: 'Planned' as const,
    backup: BACKUP.name,
    startedAt: now.toISOString(),
    replica: 'example-0',
  };
  const result = await pass({ backups: { rehearsal: planned } }, new Error('agent down'));
  assert.equal(result.backups.rehearsal, { ...planned, phase: 'Isolate' });
  assert.is(result.condition, undefined);
});

test('a restore lock, a scaling change or a disabled verify block rehearsals', () => {
  const c = cluster({ conditions: READY });
  const observed = healthyObserved();
  const plan = planCluster(c, { observed, evidence: NO_EVIDENCE }, now);
  assert.is(rehearsalBlockedBy(c, plan), undefined);
  assert.match(rehearsalBlockedBy(c, { ...plan, lockedBy: 'r1' }) ?? '', /AuroraRestore r1/);
  const scaling = { ...plan.scaling, checkpoint: { from: 3, to: 5, step: 'RaiseQuorum' as const } };
  assert.match(rehearsalBlockedBy(c, { ...plan, scaling }) ?? '', /replica-count change/);
  c.spec.backup.verify.enabled = false;
  assert.match(rehearsalBlockedBy(c, plan) ?? '', /enabled is false/);
});

test.run();
