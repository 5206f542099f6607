// What is particular to the Staged table: the commit is proven from the stored state, and the partially disabled
// leader that stages the backup may go away, which rewinds the restore to find a leader again.
import { finishedSteps, isCommitted, type Move } from './plan.ts';
import { digestTaskIds } from './task-digest.ts';
import type { Situation } from './world.ts';

/** Steps whose postcondition needs the leader found by FindLeader; losing that leader rewinds to FindLeader. */
export const LEADER_BOUND_STEPS = [
  'PlaceBackup',
  'StageRecovery',
  'DeleteTasks',
  'Preview',
  'Approval',
  'Commit',
];

/** committedAsStaged: the log holds exactly the staged snapshot, read back from a scheduler's storage. */
export function committedAsStaged(s: Situation): boolean {
  const stored = s.world.stored;
  const expected = s.restore.status?.staged;
  return (
    s.restore.status?.commitRequestedAt !== undefined &&
    stored?.kind === 'tasks' &&
    expected !== undefined &&
    digestTaskIds(stored.taskIds) === expected.digest
  );
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

/** stagedGuard: the moves the Staged world forces before any step. */
export function stagedGuard(s: Situation): Move | undefined {
  const outcome = commitOutcome(s);
  if (outcome) return outcome;
  const lost = leaderLost(s);
  const finished = finishedSteps(s.restore);
  if (lost && LEADER_BOUND_STEPS.some((n) => !finished.has(n)))
    return { kind: 'rewind', to: 'FindLeader', reason: lost };
  return undefined;
}
