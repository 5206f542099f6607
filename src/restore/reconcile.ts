// Level-based reconcile of one AuroraRestore: keep the finalizer, observe, take one move of the step machine,
// checkpoint it in status.
import { AuroraRestore, type AuroraRestoreStatus, type RestorePhase } from '../api/aurora-restore.ts';
import { RESTORE_FINALIZER } from '../api/contracts.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import { DONE, TerminalError, type ReconcileResult } from '../controller/result.ts';
import { apiErrorMessage } from '../k8s/errors.ts';
import type { ObjectRef } from '../k8s/kube-client.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import type { CrashHook } from './crash-hook.ts';
import { choosePlan, isDeleting, nextMove } from './machine.ts';
import { markComplete, markFailed, markFinished, markRunning, rewind } from './restore-status.ts';
import type { RestoreEffects, RestoreStep, StepContext } from './step.ts';
import type { World } from './world.ts';

export interface RestoreReconcilerDeps {
  /** read from the API server, not a cache, so a pass never acts on a checkpoint older than its own last write */
  getRestore(namespace: string, name: string): Promise<unknown>;
  observe(restore: AuroraRestore): Promise<World>;
  fx: RestoreEffects;
  crashHook?: CrashHook | undefined;
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

function phaseFor(mode: 'restore' | 'cancel' | 'release'): RestorePhase {
  if (mode === 'cancel') return 'Cancelling';
  return mode === 'release' ? 'Failed' : 'Running';
}

async function runStep(
  deps: RestoreReconcilerDeps,
  restore: AuroraRestore,
  world: World,
  step: RestoreStep,
  mode: 'restore' | 'cancel' | 'release',
): Promise<ReconcileResult> {
  const ref = refOf(restore);
  let status: AuroraRestoreStatus = restore.status ?? {};
  const write = async (next: AuroraRestoreStatus): Promise<void> => {
    if (!semanticEqual(status, next)) await deps.fx.kube.applyStatus(ref, next);
    status = next;
  };
  const phase = phaseFor(mode);
  await write(
    markRunning(
      status,
      step.name,
      phase,
      status.timeline?.find((t) => t.step === step.name)?.message,
      deps.fx.now(),
    ),
  );
  const ctx: StepContext = {
    restore: { ...restore, status },
    world,
    fx: deps.fx,
    saveStatus: (patch) => write({ ...status, ...patch }),
  };
  try {
    const outcome = await step.run(ctx);
    await deps.crashHook?.(restore, step.name);
    const next = markRunning(
      { ...status, ...outcome.status },
      step.name,
      outcome.phase ?? phase,
      outcome.message,
      deps.fx.now(),
    );
    await write(next);
    if (outcome.status?.source?.takenAt && outcome.message?.includes('WARNING')) {
      await event(deps, restore, true, 'OldBackup', outcome.message);
    }
    return { requeueAfterMs: outcome.requeueAfterMs ?? deps.activeRequeueMs };
  } catch (err) {
    // client-node errors carry every response header in their message; keep only the server's message
    const message = err instanceof TerminalError ? err.message : apiErrorMessage(err);
    if (err instanceof TerminalError) {
      await write(markFailed(status, step.name, message, deps.fx.now()));
      await event(deps, restore, true, 'RestoreFailed', `${step.name}: ${message}`);
      return DONE;
    }
    await write(markRunning(status, step.name, phase, `retrying: ${message}`, deps.fx.now()));
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
  const restore = parsed.data;
  const finalizers = finalizersOf(restore);
  const deleting = isDeleting(restore);
  const plan = choosePlan(restore);
  if (!('steps' in plan)) {
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
  const move = nextMove(plan.steps, { restore, world });
  const status = restore.status ?? {};
  const now = deps.fx.now();
  switch (move.kind) {
    case 'complete': {
      const phase = plan.mode === 'cancel' ? 'Cancelled' : plan.mode === 'release' ? 'Failed' : 'Succeeded';
      if (phase !== 'Failed')
        await deps.fx.kube.applyStatus(refOf(restore), markComplete(status, phase, now));
      await event(
        deps,
        restore,
        false,
        phase === 'Failed' ? 'Released' : phase,
        `restore ${phase.toLowerCase()}`,
      );
      if (deleting)
        await setFinalizers(
          deps,
          restore,
          finalizers.filter((f) => f !== RESTORE_FINALIZER),
        );
      return DONE;
    }
    case 'rewind':
      deps.fx.log.warn(
        { restore: key, reason: move.reason },
        'Rewinding the restore to find the leader again',
      );
      await deps.fx.kube.applyStatus(
        refOf(restore),
        rewind(
          status,
          plan.steps.map((s) => s.name),
          move.to,
        ),
      );
      return { requeueAfterMs: deps.activeRequeueMs };
    case 'mark-done':
      await deps.fx.kube.applyStatus(refOf(restore), markFinished(status, move.step.name, now));
      await event(deps, restore, false, 'StepFinished', `${move.step.name} finished`);
      return { requeueAfterMs: 0 };
    case 'run':
      return runStep(deps, restore, world, move.step, plan.mode);
  }
}
