// The commit's attempt budget, kept by the executor: only a commitRecovery that could have landed is counted
// (rpc-delivery.ts), and a counted one whose reply was lost is verified from the stored state, never resent blind.
import { deliveryOf } from '../aurora/rpc-delivery.ts';
import { TerminalError } from '../controller/result.ts';
import type { RpcAction } from './action.ts';
import type { StepContext, StepOutcome } from './step.ts';
import { storageWait } from './storage-wait.ts';

type CommitAction = Extract<RpcAction, { call: 'commitRecovery' }>;

export async function performCommit(a: CommitAction, ctx: StepContext, step: string): Promise<StepOutcome> {
  const status = ctx.restore.status;
  const sentTo = status?.commitSentTo;
  // a landed commit ends in its scheduler exiting: the same scheduler still holding the snapshot proves it did not
  const unlanded = sentTo !== undefined && sentTo === a.target?.uid ? 1 : 0;
  const attempts = (status?.commitAttempts ?? 0) - unlanded;
  if (attempts >= a.budget) {
    throw new TerminalError(
      'CommitNotVerified',
      `commitRecovery reached a leader holding the staged snapshot ${attempts} times and the log never held ` +
        'it; the cluster stays in the partially disabled configuration',
    );
  }
  if (!a.target?.host) throw new Error('the leader is not awaiting registration any more');
  const admin = ctx.fx.admin(a.target.host, a.target.port);
  const wait = a.requireStorage ? await storageWait(ctx, admin, step, a.call) : undefined;
  if (wait) return wait;
  try {
    await admin.commitRecovery();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (deliveryOf(err) === 'refused') {
      throw new Error(`commitRecovery refused, not counted as an attempt: ${why}`, { cause: err });
    }
    // the reply was lost after the request went out: the stored state decides whether it landed
    await ctx.saveStatus({
      commitAttempts: attempts + 1,
      ...(a.target.uid ? { commitSentTo: a.target.uid } : {}),
    });
    throw new Error(`commitRecovery attempt ${attempts + 1} got no answer: ${why}; verifying the log`, {
      cause: err,
    });
  }
  await ctx.saveStatus({ commitAttempts: attempts + 1, commitSentTo: undefined });
  return {
    message: `commitRecovery accepted (${a.taskCount} tasks, attempt ${attempts + 1}); verifying the log after the mandatory failover`,
  };
}
