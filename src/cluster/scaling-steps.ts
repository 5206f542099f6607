// The step tables of a replica-count change, in the order Aurora's configuration guide ("Changing the Quorum
// Size") and the replicated log's quorum rule require: up raises the quorum on the existing schedulers before any
// replica is added; down removes replicas (leader moved off first) before the quorum is lowered.
import type { StepDef } from '../controller/steps.ts';
import { quorumSize, type ScalingStep } from '../api/aurora-cluster.ts';
import {
  behind,
  livePods,
  registeredCount,
  settled,
  staleLogClaims,
  stsQuorum,
  stsReplicas,
  type ScalingWorld,
} from './scaling-world.ts';

export type ScalingAction =
  | { kind: 'none' }
  /** restart the leader so another replica leads: it is on an ordinal the change removes */
  | { kind: 'delete-pod'; pod: string; uid: string }
  /** retained log PVCs of ordinals about to be re-added: their stale logs must not rejoin the quorum */
  | { kind: 'delete-claims'; claims: string[] };

export interface StepDecision {
  /** what the StatefulSet says this pass; the rollout restarts pods onto it one at a time, leader last */
  target: { replicas: number; quorum: number };
  action: ScalingAction;
  message: string;
}

export interface ScalingStepDef extends StepDef<ScalingWorld> {
  readonly name: ScalingStep;
  /** the pure decision of a step whose postcondition does not hold yet; the cluster reconcile carries it out */
  decide(w: ScalingWorld): StepDecision;
}

const NONE: ScalingAction = { kind: 'none' };

const waitingFor = (w: ScalingWorld): string => {
  const late = behind(w);
  return late.length ? ` Waiting for ${late.join(', ')} to report log/recovered=1.` : '';
};

const setQuorum = (name: 'RaiseQuorum' | 'LowerQuorum'): ScalingStepDef => ({
  name,
  done: (w) => stsQuorum(w) === quorumSize(w.to) && settled(w, stsReplicas(w)),
  decide: (w) => {
    const quorum = quorumSize(w.to);
    const n = stsReplicas(w);
    const stall =
      quorum === n
        ? ` With quorum ${quorum} of ${n} replicas every scheduler is needed for a write: writes stall while one restarts.`
        : '';
    return {
      target: { replicas: n, quorum },
      action: NONE,
      message:
        `${name === 'RaiseQuorum' ? 'Raising' : 'Lowering'} -native_log_quorum_size to ${quorum} on the ${n} ` +
        `schedulers by a rolling restart, one at a time, leader last.${stall}${waitingFor(w)}`,
    };
  },
});

const addReplicas: ScalingStepDef = {
  name: 'AddReplicas',
  done: (w) => stsReplicas(w) === w.to && stsQuorum(w) === quorumSize(w.to) && settled(w, w.to),
  decide: (w) => {
    const quorum = quorumSize(w.to);
    const current = stsReplicas(w);
    if (current < w.to) {
      const stale = staleLogClaims(w, current, w.to);
      const keep = { replicas: current, quorum };
      if (stale.some((c) => c.deleting)) {
        return { target: keep, action: NONE, message: 'Waiting for retained log volumes to be deleted.' };
      }
      if (stale.length > 0) {
        const claims = stale.map((c) => c.name);
        return {
          target: keep,
          action: { kind: 'delete-claims', claims },
          message:
            `Deleting the retained log volumes ${claims.join(', ')} of removed replicas: their log is older ` +
            'than the quorum, so those replicas come back EMPTY and catch up instead.',
        };
      }
    }
    return {
      target: { replicas: w.to, quorum },
      action: NONE,
      message:
        `Adding replicas up to ${w.to}: they start EMPTY (never initialized) and catch up from the quorum.` +
        waitingFor(w),
    };
  },
};

/** moveLeader restarts a leader on an ordinal at or above `below`, once every live replica is caught up. */
function moveLeader(w: ScalingWorld, below: number, keep: StepDecision['target']): StepDecision | undefined {
  const leader = w.leader;
  if (!leader || leader.ordinal < below) return undefined;
  const late = behind(w);
  if (late.length > 0 || livePods(w).length !== w.observed.pods.length) {
    return { target: keep, action: NONE, message: `Leader ${leader.name} must move off.${waitingFor(w)}` };
  }
  return {
    target: keep,
    action: { kind: 'delete-pod', pod: leader.name, uid: leader.uid },
    message: `Restarting leader ${leader.name} so that a replica that stays leads.`,
  };
}

const moveLeaderStep: ScalingStepDef = {
  name: 'MoveLeader',
  done: (w) => w.leader !== undefined && w.leader.ordinal < w.to && behind(w).length === 0,
  decide: (w) => {
    const keep = { replicas: stsReplicas(w), quorum: stsQuorum(w) };
    return (
      moveLeader(w, w.to, keep) ?? {
        target: keep,
        action: NONE,
        message: `Waiting for a leader on an ordinal below ${w.to}.${waitingFor(w)}`,
      }
    );
  },
};

const removeReplicas: ScalingStepDef = {
  name: 'RemoveReplicas',
  done: (w) => stsReplicas(w) === w.to && w.observed.pods.every((p) => p.ordinal < w.to),
  decide: (w) => {
    const current = stsReplicas(w);
    const keep = { replicas: current, quorum: stsQuorum(w) };
    const leaving = w.observed.pods.filter((p) => p.ordinal >= current).map((p) => p.name);
    if (leaving.length > 0) {
      return { target: keep, action: NONE, message: `Waiting for ${leaving.join(', ')} to stop.` };
    }
    if (current <= w.to) return { target: keep, action: NONE, message: 'Replicas removed.' };
    const moved = moveLeader(w, current - 1, keep);
    if (moved) return moved;
    if (behind(w).length > 0 || !w.leader) {
      return { target: keep, action: NONE, message: `Waiting before removing a replica.${waitingFor(w)}` };
    }
    return {
      target: { replicas: current - 1, quorum: keep.quorum },
      action: NONE,
      message: `Removing the highest ordinal, ${current - 1} (one at a time, down to ${w.to}).`,
    };
  },
};

const waitReady: ScalingStepDef = {
  name: 'WaitReady',
  done: (w) => settled(w, w.to) && w.leader !== undefined && registeredCount(w) === 1,
  decide: (w) => ({
    target: { replicas: w.to, quorum: quorumSize(w.to) },
    action: NONE,
    message: `Waiting for ${w.to} recovered replicas, one leader and framework_registered=1.${waitingFor(w)}`,
  }),
};

export const SCALE_UP_STEPS: readonly ScalingStepDef[] = [setQuorum('RaiseQuorum'), addReplicas, waitReady];
export const SCALE_DOWN_STEPS: readonly ScalingStepDef[] = [
  moveLeaderStep,
  removeReplicas,
  setQuorum('LowerQuorum'),
  waitReady,
];

/** stepsFor: a change to the same count only moves the quorum (a leftover of an interrupted change). */
export function stepsFor(w: ScalingWorld): readonly ScalingStepDef[] {
  if (w.to > w.from) return SCALE_UP_STEPS;
  if (w.to < w.from) return SCALE_DOWN_STEPS;
  return stsQuorum(w) <= quorumSize(w.to) ? SCALE_UP_STEPS : SCALE_DOWN_STEPS;
}
