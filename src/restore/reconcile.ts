// Level-based reconcile of one AuroraRestore: keep the finalizer, observe, take one move of the step machine,
// checkpoint it in status.
import { AuroraRestore, type AuroraRestoreStatus, type RestorePhase } from '../api/aurora-restore.ts';
import { RESTORE_FINALIZER } from '../api/contracts.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import { DONE, type ReconcileResult } from '../controller/result.ts';
import { apiErrorMessage } from '../k8s/errors.ts';
import type { ObjectRef } from '../k8s/kube-client.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import { countWrites, type FaultHook } from '../controller/fault-windows.ts';
import { classifyFault, type StepEvent } from '../controller/steps.ts';
import { choosePlan, isCommitted, isDeleting, nextMove, type PlanMode } from './plan.ts';
import { performStep } from './perform-action.ts';
import { tableFor } from './tables.ts';
import {
  markComplete,
  markFailed,
  markFinished,
  markProgress,
  markRetrying,
  markRolledBack,
  markRollingBack,
  markRunning,
  rewind,
} from './restore-status.ts';
import type { RestoreEffects, RestoreStep, StepContext } from './step.ts';
import type { World } from './world.ts';

export interface RestoreReconcilerDeps {
  /** read from the API server, not a cache, so a pass never acts on a checkpoint older than its own last write */
  getRestore(namespace: string, name: string): Promise<unknown>;
  observe(restore: AuroraRestore): Promise<World>;
  fx: RestoreEffects;
  faultHook?: FaultHook<AuroraRestore> | undefined;
  activeRequeueMs: number;
}

function refOf(restore: AuroraRestore): ObjectRef {
  return {
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
    namespace: restore.metadata.namespace ?? 'default',
    name: restore.metadata.name,
    uid: restore.metadata.uid,
  };
}

function finalizersOf(restore: AuroraRestore): string[] {
  return ((restore.metadata as { finalizers?: string[] }).finalizers ?? []).slice();
}

async function setFinalizers(
  deps: RestoreReconcilerDeps,
  restore: AuroraRestore,
  list: string[],
): Promise<void> {
  await deps.fx.kube.mergePatch(refOf(restore), {
    metadata: { finalizers: list, resourceVersion: restore.metadata.resourceVersion },
  });
}

async function recordStepEvent(deps: RestoreReconcilerDeps, restore: AuroraRestore, e: StepEvent) {
  await event(deps, restore, e.type === 'Warning', e.reason, e.message);
}

async function event(
  deps: RestoreReconcilerDeps,
  restore: AuroraRestore,
  warn: boolean,
  reason: string,
  message: string,
) {
  await deps.fx.kube
    .recordEvent({ regarding: refOf(restore), type: warn ? 'Warning' : 'Normal', reason, message })
    .catch((err: unknown) => deps.fx.log.warn({ err }, 'Could not record an event'));
}

const PHASES: Record<PlanMode, RestorePhase> = {
  restore: 'Running',
  cancel: 'Cancelling',
  rollback: 'RollingBack',
  release: 'Failed',
};

const VERIFY_REQUEUE_MS = 200;

async function runStep(
  deps: RestoreReconcilerDeps,
  restore: AuroraRestore,
  world: World,
  step: RestoreStep,
  mode: PlanMode,
): Promise<ReconcileResult> {
  const ref = refOf(restore);
  let status: AuroraRestoreStatus = restore.status ?? {};
  const write = async (next: AuroraRestoreStatus): Promise<void> => {
    if (!semanticEqual(status, next)) await deps.fx.kube.applyStatus(ref, next);
    status = next;
  };
  const phase = PHASES[mode];
  // an action that ran for the first time is looked at again soon: most finish at once (a delete, a marker)
  const firstRun = status.timeline?.find((t) => t.step === step.name)?.startedAt === undefined;
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
    const outcome = await performStep(step, ctx);
    await fault('after');
    const next = markProgress(
      { ...status, ...outcome.status },
      step.name,
      outcome.phase ?? phase,
      outcome.message,
      deps.fx.now(),
    );
    await write(next);
    for (const e of outcome.events ?? []) await recordStepEvent(deps, restore, e);
    const verifyMs = firstRun ? Math.min(VERIFY_REQUEUE_MS, deps.activeRequeueMs) : deps.activeRequeueMs;
    return { requeueAfterMs: outcome.requeueAfterMs ?? verifyMs };
  } catch (err) {
    // API errors carry every response header in their message; keep only the server's message
    const failure = classifyFault(err, apiErrorMessage);
    if (failure.kind === 'terminal') {
      const message = failure.error.message;
      // before the commit point a failure rolls the cluster back as a cancel does; after it the cluster stays put
      const committed = isCommitted({ ...restore, status });
      const now = deps.fx.now();
      await write(
        committed
          ? markFailed(status, step.name, message, now)
          : markRollingBack(status, step.name, message, now),
      );
      const what = committed ? 'the cluster stays locked' : 'rolling the cluster back';
      await event(deps, restore, true, 'RestoreFailed', `${step.name}: ${message} (${what})`);
      return committed ? DONE : { requeueAfterMs: 0 };
    }
    // a transient fault keeps the phase and spends no budget; the work queue's back-off spaces the retries
    await write(markRetrying(status, step.name, phase, failure.message, deps.fx.now()));
    throw err;
  }
}

export async function reconcileAuroraRestore(
  key: string,
  deps: RestoreReconcilerDeps,
): Promise<ReconcileResult> {
  const [namespace = 'default', name = ''] = key.split('/');
  const parsed = AuroraRestore.safeParse(await deps.getRestore(namespace, name));
  if (!parsed.success) return DONE;
  let restore = parsed.data;
  const finalizers = finalizersOf(restore);
  const deleting = isDeleting(restore);
  const plan = choosePlan(restore);
  const table = tableFor(plan);
  if (!table || !('table' in plan)) {
    if (deleting && finalizers.includes(RESTORE_FINALIZER)) {
      await setFinalizers(
        deps,
        restore,
        finalizers.filter((f) => f !== RESTORE_FINALIZER),
      );
    }
    return DONE;
  }
  if (!deleting && !finalizers.includes(RESTORE_FINALIZER)) {
    // deletion before commit must be able to put the cluster back first
    await setFinalizers(deps, restore, [...finalizers, RESTORE_FINALIZER]);
    return { requeueAfterMs: 0 };
  }
  const world = await deps.observe(restore);
  const now = deps.fx.now();
  // steps whose postcondition this observation shows are checkpointed one by one, then the next move is taken
  // on the same observation instead of a pass each
  let move = nextMove(table, { restore, world });
  for (let i = 0; move.kind === 'mark-done' && i < table.steps.length; i++) {
    const finished = markFinished(restore.status ?? {}, move.step.name, now);
    await deps.fx.kube.applyStatus(refOf(restore), finished);
    await event(deps, restore, false, 'StepFinished', `${move.step.name} finished`);
    restore = { ...restore, status: finished };
    move = nextMove(table, { restore, world });
  }
  const status = restore.status ?? {};
  switch (move.kind) {
    case 'complete': {
      if (plan.mode === 'restore' || plan.mode === 'cancel') {
        const phase = plan.mode === 'cancel' ? 'Cancelled' : 'Succeeded';
        await deps.fx.kube.applyStatus(refOf(restore), markComplete(status, phase, now));
        await event(deps, restore, false, phase, `restore ${phase.toLowerCase()}`);
      } else if (plan.mode === 'rollback') {
        await deps.fx.kube.applyStatus(refOf(restore), markRolledBack(status, now));
        await event(deps, restore, true, 'RolledBack', 'restore failed; the cluster was put back as it was');
      } else {
        await event(deps, restore, false, 'Released', 'restore released');
      }
      if (deleting)
        await setFinalizers(
          deps,
          restore,
          finalizers.filter((f) => f !== RESTORE_FINALIZER),
        );
      return DONE;
    }
    case 'fail':
      await deps.fx.kube.applyStatus(refOf(restore), markFailed(status, move.step, move.reason, now));
      await event(deps, restore, true, 'RestoreFailed', `${move.step}: ${move.reason}`);
      return DONE;
    case 'rewind':
      deps.fx.log.warn(
        { restore: key, reason: move.reason },
        'Rewinding the restore to find the leader again',
      );
      await event(deps, restore, true, 'Rewinding', move.reason);
      await deps.fx.kube.applyStatus(
        refOf(restore),
        rewind(
          status,
          table.steps.map((s) => s.name),
          move.to,
        ),
      );
      return { requeueAfterMs: deps.activeRequeueMs };
    case 'mark-done':
      return { requeueAfterMs: 0 };
    case 'run':
      return runStep(deps, restore, world, move.step, plan.mode);
  }
}
