// One pass of the rehearsal restore beside the cluster's own reconcile: when it may run, its isolation check, the
// plan of its step table, the step's effect, and the status it leaves. A fault here never fails the cluster pass.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { Logger } from '../log.ts';
import { rehearsalCluster } from '../resources/rehearsal-pod.ts';
import { buildSchedulerArgs } from '../resources/scheduler-args.ts';
import { ensureRehearsalAction, observeRehearsal, type RehearsalDeps } from './ensure-rehearsal.ts';
import type { ClusterObservation, ClusterPlan } from './plan.ts';
import { findRehearsalOverlap } from './rehearsal-isolation.ts';
import { computeRehearsalStatus, type RehearsalResult } from './rehearsal-status.ts';
import { planRehearsalDue } from './rehearsal-schedule.ts';
import { planRehearsal, type RehearsalWorld } from './rehearsal-steps.ts';

export interface RehearsalPassDeps extends RehearsalDeps {
  log: Logger;
  now(): Date;
}

/** rehearsalBlockedBy: a restore, a path conflict, a scaling change or a disabled verify abandon a rehearsal. */
export function rehearsalBlockedBy(cluster: AuroraCluster, plan: ClusterPlan): string | undefined {
  if (!cluster.spec.backup.verify.enabled) return 'spec.backup.verify.enabled is false';
  if (plan.lockedBy) return `AuroraRestore ${plan.lockedBy} holds the cluster`;
  if (plan.conflict) return plan.conflict.message;
  if (plan.scaling.checkpoint || plan.scaling.progress) return 'a replica-count change runs';
  return undefined;
}

function notReady(cluster: AuroraCluster): string | undefined {
  const ready = cluster.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? undefined : 'the cluster is not Ready';
}

export async function reconcileRehearsal(
  cluster: AuroraCluster,
  obs: ClusterObservation,
  plan: ClusterPlan,
  deps: RehearsalPassDeps,
): Promise<RehearsalResult> {
  const now = deps.now();
  const saved = cluster.status?.backups?.rehearsal;
  // the check walks every peer's paths: only worth it while a rehearsal runs or is due, not on every idle pass
  const due =
    saved !== undefined || planRehearsalDue({ cluster, newestBackup: obs.newestBackup, now }) !== undefined;
  const rc = rehearsalCluster(cluster);
  const isolationProblem = due
    ? findRehearsalOverlap(cluster, obs.peers ?? [], buildSchedulerArgs(rc, 'recovery'), rc)
    : undefined;
  let world: RehearsalWorld | undefined;
  try {
    world = saved ? await observeRehearsal(cluster, saved, deps) : undefined;
  } catch (err) {
    deps.log.warn({ err }, 'Could not observe the rehearsal restore; retrying next pass');
    return computeRehearsalStatus({ cluster, checkpoint: saved, finished: undefined, now });
  }
  const next = planRehearsal({
    cluster,
    world,
    newestBackup: obs.newestBackup,
    blockedBy: rehearsalBlockedBy(cluster, plan),
    notReady: notReady(cluster),
    isolationProblem,
    now,
  });
  let checkpoint = next.checkpoint;
  if (checkpoint && next.action.kind !== 'none') {
    try {
      const patch = await ensureRehearsalAction(cluster, checkpoint, next.action, deps);
      checkpoint = { ...checkpoint, ...patch, ...(patch.outcome ? { phase: 'CleanUp' as const } : {}) };
    } catch (err) {
      deps.log.warn({ err, step: checkpoint.phase }, 'Rehearsal restore step failed; retrying next pass');
    }
  }
  if (checkpoint && checkpoint.phase !== saved?.phase)
    deps.log.info({ backup: checkpoint.backup, step: checkpoint.phase }, 'Rehearsal restore step');
  return computeRehearsalStatus({ cluster, checkpoint, finished: next.finished, now });
}
