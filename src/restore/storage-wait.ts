// Waiting for a leader's storage: Aurora answers storage calls with ERROR_TRANSIENT until its log writer is elected.
import { AuroraRpcError, type AuroraAdminClient } from '../aurora/admin-client.ts';
import type { StepContext, StepOutcome } from './step.ts';

/** How often a step that waits for the leader's storage looks again: READY follows the log writer's election. */
export const STORAGE_POLL_MS = 100;
/** After this long waiting in one step, a stuck leader is looked at every 2 s instead. */
const STORAGE_POLL_FAST_FOR_MS = 30_000;

/** waitedMs: how long a step has been running, from its timeline entry. */
function waitedMs(ctx: StepContext, step: string): number {
  const startedAt = ctx.restore.status?.timeline?.find((t) => t.step === step)?.startedAt;
  return startedAt ? ctx.fx.now().getTime() - new Date(startedAt).getTime() : 0;
}

/** storagePollMs: the short poll while a step's wait is young, then a slower one. */
export function storagePollMs(ctx: StepContext, step: string): number {
  return waitedMs(ctx, step) < STORAGE_POLL_FAST_FOR_MS ? STORAGE_POLL_MS : 2000;
}

/**
 * storageWait: a bounded read proves the leader's storage answers before a call that needs it, so a leader whose
 * log writer is not elected yet is never sent one. A scheduler refusing with ERROR_TRANSIENT is a short wait polled
 * at a fixed interval (the back-off would overshoot READY by up to its last delay); any other failure throws.
 */
export async function storageWait(
  ctx: StepContext,
  leader: AuroraAdminClient,
  step: string,
  before: string,
): Promise<StepOutcome | undefined> {
  try {
    await leader.getTasksWithoutConfigs({ limit: 1 });
    return undefined;
  } catch (err) {
    const wait = storageNotReady(ctx, step, `${before} not sent yet`, err);
    if (wait) return wait;
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${before} not sent: the leader's storage does not answer (${why})`, { cause: err });
  }
}

/**
 * storageNotReady: a call refused with ERROR_TRANSIENT as a wait on the storage poll, with `what` and how long the
 * step has waited in its message; any other error is not a wait (undefined).
 */
export function storageNotReady(
  ctx: StepContext,
  step: string,
  what: string,
  err: unknown,
): StepOutcome | undefined {
  if (!(err instanceof AuroraRpcError && err.transient)) return undefined;
  const waited = Math.round(waitedMs(ctx, step) / 1000);
  return {
    message: `${what}: the leader's storage is not READY for ${waited} s (${err.message})`,
    requeueAfterMs: storagePollMs(ctx, step),
  };
}
