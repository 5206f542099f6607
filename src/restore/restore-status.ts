// Pure updates of the AuroraRestore status: step start and finish, failure, completion and rewinding.
import type { AuroraRestoreStatus, RestorePhase } from '../api/aurora-restore.ts';
import { setCondition, type ConditionInput, type RestoreConditionType } from '../api/conditions.ts';

type Entry = NonNullable<AuroraRestoreStatus['timeline']>[number];

function withEntry(
  status: AuroraRestoreStatus,
  step: string,
  change: (e: Entry) => Entry,
): AuroraRestoreStatus {
  const timeline = [...(status.timeline ?? [])];
  const i = timeline.findIndex((t) => t.step === step);
  if (i >= 0) timeline[i] = change(timeline[i] as Entry);
  else timeline.push(change({ step }));
  return { ...status, timeline };
}

function condition(
  status: AuroraRestoreStatus,
  next: ConditionInput<RestoreConditionType>,
  now: Date,
): AuroraRestoreStatus {
  return { ...status, conditions: setCondition(status.conditions ?? [], next, now) };
}

export function markRunning(
  status: AuroraRestoreStatus,
  step: string,
  phase: RestorePhase,
  message: string | undefined,
  now: Date,
): AuroraRestoreStatus {
  const next = withEntry(status, step, (e) => ({
    ...e,
    startedAt: e.startedAt ?? now.toISOString(),
    ...(message !== undefined ? { message } : {}),
  }));
  const progressing = {
    type: 'Progressing' as const,
    status: 'True' as const,
    reason: step,
    message: message ?? step,
  };
  return condition({ ...next, phase, step }, progressing, now);
}

/** markProgress: the step ran without a fault, so any transient wait it was in is over. */
export function markProgress(
  status: AuroraRestoreStatus,
  step: string,
  phase: RestorePhase,
  message: string | undefined,
  now: Date,
): AuroraRestoreStatus {
  const next = markRunning(status, step, phase, message, now);
  return withEntry(next, step, ({ waitingSince: _w, retries: _r, ...e }) => e);
}

/**
 * markRetrying: a transient fault keeps the phase and says what happened and for how long, e.g.
 * "retrying for 4 s (3 tries): commitRecovery refused: ERROR_TRANSIENT: Storage is not READY".
 */
export function markRetrying(
  status: AuroraRestoreStatus,
  step: string,
  phase: RestorePhase,
  fault: string,
  now: Date,
): AuroraRestoreStatus {
  const entry = status.timeline?.find((t) => t.step === step);
  const since = entry?.waitingSince ?? now.toISOString();
  const retries = (entry?.retries ?? 0) + 1;
  const seconds = Math.round((now.getTime() - new Date(since).getTime()) / 1000);
  const message = `retrying for ${seconds} s (${retries} ${retries === 1 ? 'try' : 'tries'}): ${fault}`;
  const next = markRunning(status, step, phase, message, now);
  return withEntry(next, step, (e) => ({ ...e, waitingSince: since, retries }));
}

export function markFinished(status: AuroraRestoreStatus, step: string, now: Date): AuroraRestoreStatus {
  return withEntry(status, step, ({ waitingSince: _w, ...e }) => ({
    ...e,
    startedAt: e.startedAt ?? now.toISOString(),
    finishedAt: now.toISOString(),
  }));
}

export function markFailed(
  status: AuroraRestoreStatus,
  step: string,
  message: string,
  now: Date,
  /** the terminal cause's stable code (docs/errors.md), when it has one */
  reason?: string,
): AuroraRestoreStatus {
  const next = withEntry(status, step, (e) => ({
    ...e,
    startedAt: e.startedAt ?? now.toISOString(),
    message,
  }));
  const failed = {
    type: 'Progressing' as const,
    status: 'False' as const,
    reason: 'Failed',
    message: `${step}: ${message}`,
  };
  const error = { step, message, ...(reason === undefined ? {} : { reason }) };
  return condition({ ...next, phase: 'Failed', step, error }, failed, now);
}

export function markComplete(
  status: AuroraRestoreStatus,
  phase: 'Succeeded' | 'Cancelled',
  now: Date,
): AuroraRestoreStatus {
  const message =
    phase === 'Succeeded' ? 'the cluster runs the restored state' : 'the cluster was put back as it was';
  return condition(
    { ...status, phase },
    { type: 'Progressing', status: 'False', reason: phase, message },
    now,
  );
}

/**
 * rewind forgets the steps from `to` on, so they run again against a new leader; the preview and the staged
 * digest stay, because what was approved is what a commit must write.
 */
export function rewind(
  status: AuroraRestoreStatus,
  order: readonly string[],
  to: string,
): AuroraRestoreStatus {
  const from = order.indexOf(to);
  const drop = new Set(order.slice(from).filter((step) => step !== 'Approval'));
  // a rewound restore stages anew: an unanswered commit it sent is no longer provably unlanded by a staged snapshot
  const { leader: _leader, commitSentTo: _sent, ...rest } = status;
  return { ...rest, timeline: (status.timeline ?? []).filter((t) => !drop.has(t.step)) };
}

/** markRollingBack keeps the failure while the cancel steps put the cluster back. */
export function markRollingBack(
  status: AuroraRestoreStatus,
  step: string,
  message: string,
  now: Date,
  reason?: string,
): AuroraRestoreStatus {
  const failed = markFailed(status, step, message, now, reason);
  return condition(
    { ...failed, phase: 'RollingBack' },
    {
      type: 'Progressing',
      status: 'True',
      reason: 'RollingBack',
      message: `${step}: ${message}; rolling back`,
    },
    now,
  );
}

export function markRolledBack(status: AuroraRestoreStatus, now: Date): AuroraRestoreStatus {
  const cause = status.error ? `${status.error.step}: ${status.error.message}` : 'a terminal error';
  return condition(
    { ...status, phase: 'Failed' },
    {
      type: 'Progressing',
      status: 'False',
      reason: 'Failed',
      message: `${cause}; the cluster was put back as it was before the restore`,
    },
    now,
  );
}
