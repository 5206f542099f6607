// Keeps each scheduler's recent container exits, classifying an exit as planned from signals: a run of at least
// -max_leading_duration, or a restore holding the cluster, with an exit code a planned shutdown can end with.
import type { RecentExit } from '../api/diagnostics-schema.ts';

export interface ExitContext {
  now: Date;
  windowMs: number;
  maxLeadingMs: number;
  /** When a restore took the cluster lock, if one holds it or held it in the previous status. */
  lockSince?: string | undefined;
}

export interface Termination {
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * A planned shutdown calls no System.exit: main returns (0 once the JVM's threads end) or, if the JVM lingers, the
 * kubelet's SIGTERM ends it with 143 (128 + 15). 1 (flag error, failed startup) and 137 (SIGKILL, OOM) are not planned.
 */
export const PLANNED_EXIT_CODES: readonly number[] = [0, 143];

export function isPlannedExit(t: Termination, ctx: ExitContext): boolean {
  if (!PLANNED_EXIT_CODES.includes(t.exitCode)) return false;
  const started = t.startedAt ? Date.parse(t.startedAt) : NaN;
  const finished = t.finishedAt ? Date.parse(t.finishedAt) : NaN;
  if (finished - started >= ctx.maxLeadingMs) return true;
  return ctx.lockSince !== undefined && Date.parse(ctx.lockSince) <= finished;
}

/** The exits inside the window, with the pod's latest termination appended once. */
export function updateRecentExits(
  previous: readonly RecentExit[] | undefined,
  last: Termination | undefined,
  ctx: ExitContext,
): RecentExit[] {
  const since = ctx.now.getTime() - ctx.windowMs;
  const exits = (previous ?? []).filter((e) => Date.parse(e.finishedAt) >= since);
  if (last?.finishedAt && Date.parse(last.finishedAt) >= since) {
    const finishedAt = new Date(last.finishedAt).toISOString();
    if (!exits.some((e) => e.finishedAt === finishedAt)) {
      const started = last.startedAt ? Date.parse(last.startedAt) : Date.parse(finishedAt);
      exits.push({
        finishedAt,
        exitCode: last.exitCode,
        ranSeconds: Math.max(0, Math.round((Date.parse(finishedAt) - started) / 1000)),
        planned: isPlannedExit(last, ctx),
      });
    }
  }
  return exits.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).slice(-10);
}
