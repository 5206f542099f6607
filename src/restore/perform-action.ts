// The action half of the restore's executor (restore-executor.ts): it carries out the record a step decided, throws
// a transient fault for the work queue's back-off, and returns what the action established for the checkpoint.
import { buildRestoreNetworkPolicy } from '../resources/network-policy.ts';
import type { KubeOp, RestoreAction } from './action.ts';
import { performAgent } from './agent-action.ts';
import { clusterOf } from './cluster-ref.ts';
import { performRpc } from './rpc-action.ts';
import type { RestoreStep, StepContext, StepOutcome } from './step.ts';
import { storagePollMs } from './storage-wait.ts';

/** performStep: the step's action, decided on the context's view of the world and carried out. */
export async function performStep(step: RestoreStep, ctx: StepContext): Promise<StepOutcome> {
  return performAction(step.decide(ctx), ctx, step.name);
}

async function performKube(ops: readonly KubeOp[], ctx: StepContext): Promise<void> {
  for (const o of ops) {
    if (o.op === 'apply') await ctx.fx.kube.apply(o.object);
    else if (o.op === 'block-traffic') {
      await ctx.fx.kube.apply(buildRestoreNetworkPolicy(clusterOf(ctx), ctx.fx.operatorPeer));
    } else if (o.op === 'patch') await ctx.fx.kube.mergePatch(o.ref, o.patch);
    else await ctx.fx.kube.delete(o.ref, o.uid ? { uid: o.uid } : undefined);
  }
}

export async function performAction(
  action: RestoreAction,
  ctx: StepContext,
  step: string,
): Promise<StepOutcome> {
  switch (action.kind) {
    case 'wait': {
      const { kind: _, pollStorage, ...outcome } = action;
      return pollStorage ? { ...outcome, requeueAfterMs: storagePollMs(ctx, step) } : outcome;
    }
    case 'record':
      return { message: action.message, status: action.status };
    case 'kube':
      await performKube(action.ops, ctx);
      return { message: action.message };
    case 'rpc':
      return performRpc(action, ctx, step);
    case 'agent':
      return performAgent(action, ctx, step);
    case 'checkpoint': {
      // recorded first: e.g. from the commit intent on the restore can no longer be cancelled
      await ctx.saveStatus({ [action.stamp]: ctx.fx.now().toISOString(), ...action.status }, action.window);
      return performAction(action.then, ctx, step);
    }
    case 'retry':
      throw new Error(action.reason);
    case 'fail':
      throw action.error;
  }
}
