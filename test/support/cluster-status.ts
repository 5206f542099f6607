// Tests and benchmarks compute a status the way a pass does: plan from the observation, then the status.
import type { AuroraCluster, AuroraClusterStatus } from '../../src/api/aurora-cluster.ts';
import type { NewestBackup } from '../../src/agent/newest-backup.ts';
import { computeStatus } from '../../src/cluster/compute-status.ts';
import type { ObservedCluster } from '../../src/cluster/observed.ts';
import { planCluster, type Problem } from '../../src/cluster/plan.ts';
import type { LogInitEvidence, LogInitRefusal } from '../../src/cluster/plan-log-init.ts';
import type { RolloutDecision } from '../../src/cluster/rollout.ts';

export const NO_EVIDENCE: LogInitEvidence = {
  markerPath: '/aurora/replicated-log-aurora-operator',
  marker: { kind: 'absent' },
  claims: [],
};

export interface StatusCase {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  now: Date;
  /** overrides of what the plan would decide from the observation */
  rollout?: RolloutDecision;
  lockedBy?: string | undefined;
  problem?: Problem | undefined;
  logInitRefusal?: LogInitRefusal | undefined;
  newestBackup?: NewestBackup;
}

export function statusFrom(c: StatusCase): AuroraClusterStatus {
  const plan = planCluster(c.cluster, { observed: c.observed, evidence: NO_EVIDENCE }, c.now);
  return computeStatus({
    cluster: c.cluster,
    observed: c.observed,
    now: c.now,
    newestBackup: c.newestBackup,
    plan: {
      ...plan,
      rollout: c.rollout ?? plan.rollout,
      lockedBy: 'lockedBy' in c ? c.lockedBy : plan.lockedBy,
      refusal: 'problem' in c ? c.problem : plan.refusal,
      logInit: { ...plan.logInit, ...(c.logInitRefusal ? { refusal: c.logInitRefusal } : {}) },
    },
  });
}
