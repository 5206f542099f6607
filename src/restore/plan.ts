// The restore's pure plan: which step table applies (restore, cancel, rollback, release) and the next move in it.
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { CANCEL_STEPS, RELEASE_STEPS } from './cancel-steps.ts';
import { OFFLINE_STEPS } from './offline-steps.ts';
import { committedAsStaged, LEADER_BOUND_STEPS, STAGED_STEPS } from './staged-steps.ts';
import type { RestoreStep } from './step.ts';
import { digestTaskIds } from './task-digest.ts';
import type { Situation } from './world.ts';

export type PlanMode = 'restore' | 'cancel' | 'rollback' | 'release';

export type Plan = { mode: PlanMode; steps: readonly RestoreStep[] } | { mode: 'finished' | 'failed' };

export type Move =
  | { kind: 'complete' }
  | { kind: 'mark-done'; step: RestoreStep }
  | { kind: 'run'; step: RestoreStep }
  | { kind: 'rewind'; to: string; reason: string }
  | { kind: 'fail'; step: string; reason: string };

export function isDeleting(restore: AuroraRestore): boolean {
  return Boolean((restore.metadata as { deletionTimestamp?: unknown }).deletionTimestamp);
}

export function isCommitted(restore: AuroraRestore): boolean {
  return restore.status?.commitRequestedAt !== undefined;
}

/**
 * choosePlan: before the commit point a cancel, or a terminal failure, puts the cluster back as it was; after it
 * the restore always finishes, and a failure keeps the cluster locked in the partially disabled configuration.
 */
export function choosePlan(restore: AuroraRestore): Plan {
  const phase = restore.status?.phase;
  if (phase === 'Succeeded' || phase === 'Cancelled') return { mode: 'finished' };
  const committed = isCommitted(restore);
  if (phase === 'Failed') {
    if (!isDeleting(restore)) return { mode: 'failed' };
    return committed ? { mode: 'release', steps: RELEASE_STEPS } : { mode: 'finished' };
  }
  if (!committed && restore.status?.error) return { mode: 'rollback', steps: CANCEL_STEPS };
  if (!committed && (isDeleting(restore) || restore.spec.cancel))
    return { mode: 'cancel', steps: CANCEL_STEPS };
  return { mode: 'restore', steps: restore.spec.strategy === 'Offline' ? OFFLINE_STEPS : STAGED_STEPS };
}

export function finishedSteps(restore: AuroraRestore): Set<string> {
  return new Set((restore.status?.timeline ?? []).filter((t) => t.finishedAt).map((t) => t.step));
}

/** leaderLost: before the commit point, the partially disabled leader staging the backup went away. */
function leaderLost(s: Situation): string | undefined {
  const status = s.restore.status;
  if (s.restore.spec.strategy !== 'Staged' || !status?.leader) return undefined;
  const finished = finishedSteps(s.restore);
  // after the commit intent only a re-staging (a commit that did not land) can lose its leader this way
  if (isCommitted(s.restore) && finished.has('StageRecovery')) return undefined;
  if (!finished.has('FindLeader')) return undefined;
  const pod = s.world.pods.find((p) => p.name === status.leader);
  if (!pod || pod.deleting) return `leader ${status.leader} is gone`;
  if (pod.lifecycle !== undefined && pod.lifecycle !== 'LEADER_AWAITING_REGISTRATION') {
    return `leader ${status.leader} is now ${pod.lifecycle}`;
  }
  // a scheduler process restarted in the same pod leads again, but the backup it had staged is gone
  if (finished.has('StageRecovery') && s.world.staged?.kind === 'none') {
    return `the backup staged on ${status.leader} is gone (its scheduler restarted); staging it again`;
  }
  // a hung leader answers no probe, but another scheduler leading means its ZooKeeper session is gone
  const other = s.world.pods.find(
    (p) => p.name !== status.leader && !p.deleting && p.lifecycle === 'LEADER_AWAITING_REGISTRATION',
  );
  if (pod.lifecycle === undefined && other)
    return `${other.name} leads now; ${status.leader} does not answer`;
  return undefined;
}

/**
 * commitOutcome: after the commit intent, what the stored state proves. An empty log with nothing staged means
 * the commit never landed (the leader died or hung first), so staging and committing again is safe; any other
 * state that is not the staged snapshot is something the operator cannot explain, so it stops.
 */
function commitOutcome(s: Situation): Move | undefined {
  if (s.restore.spec.strategy !== 'Staged' || !isCommitted(s.restore)) return undefined;
  const finished = finishedSteps(s.restore);
  // once rewound, nothing is decided again until the backup is staged anew
  if (finished.has('Commit') || !finished.has('StageRecovery') || committedAsStaged(s)) return undefined;
  const stored = s.world.stored;
  if (stored?.kind !== 'tasks' || s.world.staged?.kind === 'staged') return undefined;
  const expected = s.restore.status?.staged;
  if (expected && digestTaskIds(stored.taskIds) === expected.digest) return undefined;
  if (stored.taskIds.length === 0) {
    return {
      kind: 'rewind',
      to: 'FindLeader',
      reason: `the commit did not land: ${stored.pod} holds no tasks and nothing is staged; staging again`,
    };
  }
  return {
    kind: 'fail',
    step: 'Commit',
    reason:
      `after the commit the log holds ${stored.taskIds.length} tasks on ${stored.pod}, not the staged snapshot ` +
      `(${expected?.taskCount ?? '?'} tasks); the cluster stays locked in the partially disabled configuration`,
  };
}

export function nextMove(steps: readonly RestoreStep[], s: Situation): Move {
  const finished = finishedSteps(s.restore);
  if (steps === STAGED_STEPS) {
    const outcome = commitOutcome(s);
    if (outcome) return outcome;
    const lost = leaderLost(s);
    if (lost && LEADER_BOUND_STEPS.some((n) => !finished.has(n))) {
      return { kind: 'rewind', to: 'FindLeader', reason: lost };
    }
  }
  for (const step of steps) {
    if (finished.has(step.name)) continue;
    return step.done(s) ? { kind: 'mark-done', step } : { kind: 'run', step };
  }
  return { kind: 'complete' };
}
