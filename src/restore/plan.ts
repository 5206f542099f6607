// The restore's pure plan: which step table applies (restore, cancel, rollback, release) and the next move in it.
// The tables themselves, and what is particular to one of them, live beside their steps (tables.ts).
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { nextStep } from '../controller/steps.ts';
import type { RestoreStep } from './step.ts';
import type { Situation } from './world.ts';

export type PlanMode = 'restore' | 'cancel' | 'rollback' | 'release';

export type TableName = 'Staged' | 'Offline' | 'Cancel' | 'Release';

export type Plan = { mode: PlanMode; table: TableName } | { mode: 'finished' | 'failed' };

export type Move =
  | { kind: 'complete' }
  | { kind: 'mark-done'; step: RestoreStep }
  | { kind: 'run'; step: RestoreStep }
  | { kind: 'rewind'; to: string; reason: string }
  | { kind: 'fail'; step: string; reason: string };

/** A step table, and the moves its world can force before any step (e.g. a lost leader rewinds). */
export interface StepTable {
  readonly name: TableName;
  readonly steps: readonly RestoreStep[];
  guard?(s: Situation): Move | undefined;
}

export function isDeleting(restore: AuroraRestore): boolean {
  return Boolean((restore.metadata as { deletionTimestamp?: unknown }).deletionTimestamp);
}

export function isCommitted(restore: AuroraRestore): boolean {
  return restore.status?.commitRequestedAt !== undefined;
}

/**
 * choosePlan: before the commit point a cancel, or a terminal failure, puts the cluster back as it was; after it
 * the restore always finishes, and a failure keeps the cluster locked in the partially disabled configuration.
 */
export function choosePlan(restore: AuroraRestore): Plan {
  const phase = restore.status?.phase;
  if (phase === 'Succeeded' || phase === 'Cancelled') return { mode: 'finished' };
  const committed = isCommitted(restore);
  if (phase === 'Failed') {
    if (!isDeleting(restore)) return { mode: 'failed' };
    return committed ? { mode: 'release', table: 'Release' } : { mode: 'finished' };
  }
  if (!committed && restore.status?.error) return { mode: 'rollback', table: 'Cancel' };
  if (!committed && (isDeleting(restore) || restore.spec.cancel)) return { mode: 'cancel', table: 'Cancel' };
  return { mode: 'restore', table: restore.spec.strategy === 'Offline' ? 'Offline' : 'Staged' };
}

export function finishedSteps(restore: AuroraRestore): Set<string> {
  return new Set((restore.status?.timeline ?? []).filter((t) => t.finishedAt).map((t) => t.step));
}

export function nextMove(table: StepTable, s: Situation): Move {
  return table.guard?.(s) ?? nextStep(table.steps, s, finishedSteps(s.restore));
}
