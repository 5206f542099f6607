// The restore's executor: one move of a step table carried out. It records the step running, carries out the
// action the step decided (perform-action.ts), checkpoints what it established, and sorts its errors: a
// TerminalError fails the restore (rolling back before the commit point), anything else keeps the phase and is
// thrown for the work queue's back-off. The fault windows of the crash tests are instrumentation here.
import type { AuroraRestore, AuroraRestoreStatus, RestorePhase } from '../api/aurora-restore.ts';
import { countWrites, type FaultHook } from '../controller/fault-windows.ts';
import { DONE, type ReconcileResult } from '../controller/result.ts';
import { classifyFault } from '../controller/steps.ts';
import { apiErrorMessage } from '../k8s/errors.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import { kindOf, type RestoreAction } from './action.ts';
import { performAction } from './perform-action.ts';
import { readsDirectly } from './observe.ts';
import { isCommitted, type PlanMode } from './plan.ts';
import { recordRestoreEvent, refOf } from './restore-events.ts';
import { markFailed, markProgress, markRetrying, markRollingBack, markRunning } from './restore-status.ts';
import type { RestoreEffects, RestoreStep, StepContext } from './step.ts';
import type { World } from './world.ts';

export interface ExecutorDeps {
  fx: RestoreEffects;
  faultHook?: FaultHook<AuroraRestore> | undefined;
  activeRequeueMs: number;
  /** reads again the objects every pass reads from the API server (observe.ts rereadDirect) */
  reread?: ((restore: AuroraRestore, world: World) => Promise<World>) | undefined;
}

/** A step's result; `goOn` lets the same pass take the next move, on a world still true or just read again. */
export interface StepResult extends ReconcileResult {
  goOn?: { status: AuroraRestoreStatus; world: World };
}

const PHASES: Record<PlanMode, RestorePhase> = {
  restore: 'Running',
  cancel: 'Cancelling',
  rollback: 'RollingBack',
  release: 'Failed',
};

const VERIFY_REQUEUE_MS = 200;
// a scheduler's answer is usually observable at once (the staged snapshot, a marker), and no watch event will say so
const VERIFY_SCHEDULER_MS = 50;
// a pod that runs but whose backup agent does not answer yet is seconds from counting; no event marks that moment
const AGENT_START_POLL_MS = 250;

/** agentStarting: a live pod is Running but its agent has not answered (no markers listed) in this observation. */
function agentStarting(world: World): boolean {
  return world.pods.some((p) => !p.deleting && p.phase === 'Running' && p.markers === undefined);
}

/** talksToAScheduler: an RPC or an agent call changes what no watch reports, so only a look soon sees its result. */
function talksToAScheduler(action: RestoreAction): boolean {
  if (action.kind === 'checkpoint') return talksToAScheduler(action.then);
  return action.kind === 'rpc' || action.kind === 'agent';
}

/** leavesWorldAsIs: a read or a record changes nothing a pass observes, so its observation still holds after it. */
function leavesWorldAsIs(action: RestoreAction): boolean {
  if (action.kind === 'record') return true;
  if (action.kind === 'rpc') return action.call === 'queryRecovery';
  if (action.kind === 'agent')
    return action.call === 'readImpact' || (action.call === 'findBackup' && !action.fromStore);
  return false;
}

/** readBackAtOnce: every write touches an object each pass reads from the API server, so the next sees it. */
function readBackAtOnce(action: RestoreAction): boolean {
  if (action.kind === 'checkpoint') return readBackAtOnce(action.then);
  return action.kind === 'kube' && action.ops.every((o) => readsDirectly(kindOf(o)));
}

/** readAgain: the direct reads again, or undefined when they fail (the next pass observes afresh instead). */
async function readAgain(
  deps: ExecutorDeps,
  restore: AuroraRestore,
  world: World,
): Promise<World | undefined> {
  try {
    return await deps.reread?.(restore, world);
  } catch {
    return undefined;
  }
}

export async function runStep(
  deps: ExecutorDeps,
  restore: AuroraRestore,
  world: World,
  step: RestoreStep,
  how: {
    mode: PlanMode;
    /** the status as stored, when the restore's carries marks not written yet (steps found finished this pass) */
    stored?: AuroraRestoreStatus;
  },
): Promise<StepResult> {
  const { mode, stored } = how;
  const ref = refOf(restore);
  let status: AuroraRestoreStatus = restore.status ?? {};
  let written = stored ?? status;
  const write = async (next: AuroraRestoreStatus): Promise<void> => {
    if (!semanticEqual(written, next)) await deps.fx.kube.applyStatus(ref, next);
    written = next;
    status = next;
  };
  const phase = PHASES[mode];
  // an action that ran for the first time is looked at again soon: most finish at once (a delete, a marker)
  const firstRun = status.timeline?.find((t) => t.step === step.name)?.startedAt === undefined;
  // stored before the action: this write also carries the steps this pass found finished, and the action may end
  // what proved them (StopSchedulers removes the pods that showed PlaceBackup done)
  await write(
    markRunning(
      status,
      step.name,
      phase,
      status.timeline?.find((t) => t.step === step.name)?.message,
      deps.fx.now(),
    ),
  );
  const fault = async (window: string): Promise<boolean> =>
    (await deps.faultHook?.(restore, step.name, window)) ?? false;
  const ctx: StepContext = {
    restore: { ...restore, status },
    world,
    fx: deps.faultHook
      ? { ...deps.fx, kube: countWrites(deps.fx.kube, async (n) => void (await fault(`write#${n}`))) }
      : deps.fx,
    saveStatus: async (patch, window) => {
      await write({ ...status, ...patch });
      if (window) await fault(window);
    },
  };
  try {
    // a pass held at a pause point acts on a stale view, so it ends and the next pass observes afresh
    if (await fault('before')) return { requeueAfterMs: 0 };
    const action = step.decide(ctx);
    const outcome = await performAction(action, ctx, step.name);
    await fault('after');
    const next = markProgress(
      { ...status, ...outcome.status },
      step.name,
      outcome.phase ?? phase,
      outcome.message,
      deps.fx.now(),
    );
    await write(next);
    for (const e of outcome.events ?? [])
      await recordRestoreEvent(deps.fx, restore, e.type === 'Warning', e.reason, e.message);
    // a postcondition the action's own record already meets (a backup found, the impact read) is checkpointed by
    // the next pass at once, on a fresh observation, instead of after a verification delay
    const settled = step.done({ restore: { ...restore, status: next }, world });
    // only a first run: a write that did not take (a finalizer holds the object) polls instead of spinning
    const readBack = firstRun && readBackAtOnce(action);
    if (outcome.requeueAfterMs === undefined) {
      if (settled && leavesWorldAsIs(action)) return { requeueAfterMs: 0, goOn: { status: next, world } };
      const fresh = readBack ? await readAgain(deps, restore, world) : undefined;
      if (fresh && step.done({ restore: { ...restore, status: next }, world: fresh }))
        return { requeueAfterMs: 0, goOn: { status: next, world: fresh } };
    }
    const soonMs =
      settled || readBack
        ? 0
        : talksToAScheduler(action)
          ? VERIFY_SCHEDULER_MS
          : firstRun
            ? VERIFY_REQUEUE_MS
            : Infinity;
    const verifyMs = Math.min(
      soonMs,
      agentStarting(world) ? AGENT_START_POLL_MS : Infinity,
      deps.activeRequeueMs,
    );
    return { requeueAfterMs: outcome.requeueAfterMs ?? verifyMs };
  } catch (err) {
    // API errors carry every response header in their message; keep only the server's message
    const failure = classifyFault(err, apiErrorMessage);
    if (failure.kind === 'terminal') {
      const message = failure.error.message;
      // before the commit point a failure rolls the cluster back as a cancel does; after it the cluster stays put
      const committed = isCommitted({ ...restore, status });
      const now = deps.fx.now();
      const reason = failure.error.reason;
      await write(
        committed
          ? markFailed(status, step.name, message, now, reason)
          : markRollingBack(status, step.name, message, now, reason),
      );
      const what = committed ? 'the cluster stays locked' : 'rolling the cluster back';
      await recordRestoreEvent(deps.fx, restore, true, 'RestoreFailed', `${step.name}: ${message} (${what})`);
      return committed ? DONE : { requeueAfterMs: 0 };
    }
    // a transient fault keeps the phase and spends no budget; the work queue's back-off spaces the retries
    await write(markRetrying(status, step.name, phase, failure.message, deps.fx.now()));
    throw err;
  }
}
