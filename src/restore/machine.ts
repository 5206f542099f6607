// Pure selection of the restore's next move: which step table applies, and the first step not yet finished.
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { CANCEL_STEPS, RELEASE_STEPS } from './cancel-steps.ts';
import { OFFLINE_STEPS } from './offline-steps.ts';
import { LEADER_BOUND_STEPS, STAGED_STEPS } from './staged-steps.ts';
import type { RestoreStep } from './step.ts';
import type { Situation } from './world.ts';

export type Plan =
  { mode: 'restore' | 'cancel' | 'release'; steps: readonly RestoreStep[] } | { mode: 'finished' | 'failed' };

export type Move =
  | { kind: 'complete' }
  | { kind: 'mark-done'; step: RestoreStep }
  | { kind: 'run'; step: RestoreStep }
  | { kind: 'rewind'; to: string; reason: string };

export function isDeleting(restore: AuroraRestore): boolean {
  return Boolean((restore.metadata as { deletionTimestamp?: unknown }).deletionTimestamp);
}

/** choosePlan: cancelling is possible until commit is requested; after it the restore always finishes. */
export function choosePlan(restore: AuroraRestore): Plan {
  const phase = restore.status?.phase;
  if (phase === 'Succeeded' || phase === 'Cancelled') return { mode: 'finished' };
  const committed = restore.status?.commitRequestedAt !== undefined;
  const cancel = isDeleting(restore) || restore.spec.cancel;
  if (cancel && !committed) return { mode: 'cancel', steps: CANCEL_STEPS };
  if (phase === 'Failed')
    return isDeleting(restore) ? { mode: 'release', steps: RELEASE_STEPS } : { mode: 'failed' };
  return { mode: 'restore', steps: restore.spec.strategy === 'Offline' ? OFFLINE_STEPS : STAGED_STEPS };
}

export function finishedSteps(restore: AuroraRestore): Set<string> {
  return new Set((restore.status?.timeline ?? []).filter((t) => t.finishedAt).map((t) => t.step));
}

/** leaderLost: the partially disabled leader staging the backup went away before commit, so staging restarts. */
function leaderLost(s: Situation): string | undefined {
  const status = s.restore.status;
  if (s.restore.spec.strategy !== 'Staged' || status?.commitRequestedAt || !status?.leader) return undefined;
  if (!finishedSteps(s.restore).has('FindLeader')) return undefined;
  const pod = s.world.pods.find((p) => p.name === status.leader);
  if (!pod || pod.deleting) return `leader ${status.leader} is gone`;
  if (pod.lifecycle !== undefined && pod.lifecycle !== 'LEADER_AWAITING_REGISTRATION') {
    return `leader ${status.leader} is now ${pod.lifecycle}`;
  }
  return undefined;
}

export function nextMove(steps: readonly RestoreStep[], s: Situation): Move {
  const finished = finishedSteps(s.restore);
  const lost = leaderLost(s);
  if (lost && steps === STAGED_STEPS && LEADER_BOUND_STEPS.some((n) => !finished.has(n))) {
    return { kind: 'rewind', to: 'FindLeader', reason: lost };
  }
  for (const step of steps) {
    if (finished.has(step.name)) continue;
    return step.done(s) ? { kind: 'mark-done', step } : { kind: 'run', step };
  }
  return { kind: 'complete' };
}
