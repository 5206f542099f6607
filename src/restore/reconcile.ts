// Level-based reconcile of one AuroraRestore: keep the finalizer, observe, take one move of the step machine
// (a step's action is carried out by restore-executor.ts), checkpoint it in status.
import { AuroraRestore } from '../api/aurora-restore.ts';
import { RESTORE_FINALIZER } from '../api/contracts.ts';
import { DONE, type ReconcileResult } from '../controller/result.ts';
import type { FaultHook } from '../controller/fault-windows.ts';
import { choosePlan, isDeleting, nextMove, type Plan } from './plan.ts';
import { runStep, type StepResult } from './restore-executor.ts';
import { recordRestoreEvent, refOf } from './restore-events.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import { tableFor } from './tables.ts';
import { markComplete, markFailed, markFinished, markRolledBack, rewind } from './restore-status.ts';
import type { RestoreEffects } from './step.ts';
import type { World } from './world.ts';

// a bound on one pass's length: a pass that hands on this often ends and the next observes afresh
const MAX_STEPS_PER_PASS = 4;

export interface RestoreReconcilerDeps {
  /** read from the API server, not a cache, so a pass never acts on a checkpoint older than its own last write */
  getRestore(namespace: string, name: string): Promise<unknown>;
  observe(restore: AuroraRestore): Promise<World>;
  fx: RestoreEffects;
  faultHook?: FaultHook<AuroraRestore> | undefined;
  activeRequeueMs: number;
  reread?: ((restore: AuroraRestore, world: World) => Promise<World>) | undefined;
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

async function event(
  deps: RestoreReconcilerDeps,
  restore: AuroraRestore,
  warn: boolean,
  reason: string,
  message: string,
) {
  await recordRestoreEvent(deps.fx, restore, warn, reason, message);
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
    // deletion before commit must be able to put the cluster back first; once it is stored the pass goes on
    const withFinalizer = [...finalizers, RESTORE_FINALIZER];
    await setFinalizers(deps, restore, withFinalizer);
    restore = { ...restore, metadata: { ...restore.metadata, finalizers: withFinalizer } };
  }
  let world = await deps.observe(restore);
  // the status as stored: steps found finished are marked in memory and go out with the next move's first write
  let observed = restore.status ?? {};
  // events are best effort and never fail; they go out beside the pass's own writes instead of before them
  const stepEvents: Promise<void>[] = [];
  try {
    for (let link = 1; ; link++) {
      const now = deps.fx.now();
      // steps whose postcondition this observation shows are marked finished, then the next move is taken on the
      // same observation instead of a pass each
      let move = nextMove(table, { restore, world });
      for (let i = 0; move.kind === 'mark-done' && i < table.steps.length; i++) {
        const finished = markFinished(restore.status ?? {}, move.step.name, now);
        stepEvents.push(event(deps, restore, false, 'StepFinished', `${move.step.name} finished`));
        restore = { ...restore, status: finished };
        move = nextMove(table, { restore, world });
      }
      const context = { key, restore, plan, table, move, observed, finalizers, deleting, now, world };
      const { goOn, ...result } = await takeMove(deps, context);
      // a step finished by its own record, or proven by reading its writes again, hands the pass on
      if (!goOn || link >= MAX_STEPS_PER_PASS) return result;
      restore = { ...restore, status: goOn.status };
      observed = goOn.status;
      world = goOn.world;
    }
  } finally {
    await Promise.all(stepEvents);
  }
}

interface MoveContext {
  key: string;
  restore: AuroraRestore;
  plan: Extract<Plan, { table: unknown }>;
  table: NonNullable<ReturnType<typeof tableFor>>;
  move: ReturnType<typeof nextMove>;
  observed: NonNullable<AuroraRestore['status']>;
  finalizers: string[];
  deleting: boolean;
  now: Date;
  world: World;
}

/** takeMove carries out the move the step machine chose on this pass's observation. */
async function takeMove(deps: RestoreReconcilerDeps, ctx: MoveContext): Promise<StepResult> {
  const { key, restore, plan, table, move, observed, finalizers, deleting, now, world } = ctx;
  const status = restore.status ?? {};
  // a move that writes no status of its own still checkpoints the finished steps
  const writesNone = move.kind === 'mark-done' || (move.kind === 'complete' && plan.mode === 'release');
  if (writesNone && !semanticEqual(observed, status)) await deps.fx.kube.applyStatus(refOf(restore), status);
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
      return runStep(deps, restore, world, move.step, { mode: plan.mode, stored: observed });
  }
}
