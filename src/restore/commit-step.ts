// The Staged commit: the intent recorded first (from it on no cancel), then commitRecovery to the leader holding
// exactly the previewed snapshot; the attempt budget is the executor's (commit-action.ts).
import { TerminalError } from '../controller/result.ts';
import type { RestoreAction } from './action.ts';
import { clusterOf } from './cluster-ref.ts';
import { leaderPod } from './leader-steps.ts';
import { committedAsStaged } from './staged-guards.ts';
import type { RestoreStep } from './step.ts';
import { digestTaskIds } from './task-digest.ts';
import type { Situation } from './world.ts';

/** Commits that could have landed and did not show in the log; refusals are never counted (commit-action.ts). */
const MAX_COMMIT_ATTEMPTS = 3;

/** commitAfterIntent: with the commit intent recorded, what the staged snapshot and the leader allow. */
function commitAfterIntent(s: Situation): RestoreAction {
  const expected = s.restore.status?.staged;
  const staged = s.world.staged;
  if (!expected) return { kind: 'retry', reason: 'the staged snapshot was not recorded; Preview runs first' };
  if (staged?.kind !== 'staged') {
    // whether the commit landed is proven by the stored state (Commit.done), never by "nothing staged"
    return {
      kind: 'wait',
      message: `verifying the commit: waiting for a leader whose storage answers (${describeStored(s)})`,
      pollStorage: true,
    };
  }
  if (digestTaskIds(staged.taskIds) !== expected.digest) {
    const error = new TerminalError(
      'StagedMismatch',
      `the staged snapshot (${staged.taskIds.length} tasks) differs from the one previewed (${expected.taskCount} tasks)`,
    );
    return { kind: 'fail', error };
  }
  const leader = leaderPod(s);
  const target = leader && {
    pod: leader.name,
    host: leader.podIP,
    port: clusterOf(s).spec.httpPort,
    uid: leader.uid,
  };
  return {
    kind: 'rpc',
    call: 'commitRecovery',
    target,
    budget: MAX_COMMIT_ATTEMPTS,
    taskCount: expected.taskCount,
    requireStorage: true,
  };
}

export const commit: RestoreStep = {
  name: 'Commit',
  done: committedAsStaged,
  decide(s) {
    if (!s.restore.status?.staged || s.restore.status.commitRequestedAt) return commitAfterIntent(s);
    // recorded first: from here on the restore can no longer be cancelled
    const status = { ...s.restore.status, commitAttempts: 0 };
    return {
      kind: 'checkpoint',
      stamp: 'commitRequestedAt',
      status: { commitAttempts: 0 },
      window: 'intent',
      then: commitAfterIntent({ ...s, restore: { ...s.restore, status } }),
    };
  },
};

function describeStored(s: Situation): string {
  const stored = s.world.stored;
  if (stored?.kind === 'tasks') return `${stored.pod} holds ${stored.taskIds.length} tasks`;
  return stored?.reason ?? 'not observed';
}
