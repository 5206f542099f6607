// The one shape of every multi-step controller's work (restore, scaling): a table of named steps, each with a pure
// postcondition over the observed world. The executor of each controller takes the first unfinished step; it
// checkpoints a step whose postcondition holds, or carries out the step's action, and sorts the action's errors:
// a TerminalError fails the work, anything else is transient (back-off, no phase change, no budget spent).
import { TerminalError } from './result.ts';

export interface StepDef<W> {
  readonly name: string;
  /** postcondition re-checked against the observed world; true means the step needs no action */
  done(w: W): boolean;
}

export type StepChoice<S> = { kind: 'complete' } | { kind: 'mark-done'; step: S } | { kind: 'run'; step: S };

/**
 * nextStep: the first step not yet finished. A checkpointed table (restore) records each finished step, so a step
 * found done is returned to be checkpointed; an unrecorded one (scaling) passes over done steps.
 */
export function nextStep<W, S extends StepDef<W>>(
  steps: readonly S[],
  w: W,
  finished: ReadonlySet<string> | 'unrecorded',
): StepChoice<S> {
  for (const step of steps) {
    if (finished !== 'unrecorded' && finished.has(step.name)) continue;
    if (!step.done(w)) return { kind: 'run', step };
    if (finished !== 'unrecorded') return { kind: 'mark-done', step };
  }
  return { kind: 'complete' };
}

export type FaultClass = { kind: 'terminal'; error: TerminalError } | { kind: 'transient'; message: string };

/** classifyFault: only a TerminalError is terminal; every other error is a fault that may clear. */
export function classifyFault(err: unknown, describe: (err: unknown) => string): FaultClass {
  if (err instanceof TerminalError) return { kind: 'terminal', error: err };
  return { kind: 'transient', message: describe(err) };
}

/** A typed event a step's action reports, recorded by the executor (e.g. a Warning for an old backup). */
export interface StepEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
