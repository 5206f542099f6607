// Gives back the memory the JavaScript engine keeps after a burst of work: a grown heap of mostly garbage, and the
// pages a shrinking heap frees, which V8 pools until a memory-reducing collection a busy operator rarely gets.
import type { Logger } from '../log.ts';

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ReclaimPolicy {
  /** resident memory beyond the live heap and external memory (rss − heapUsed − external) that triggers one */
  unexplainedBytes: number;
  /** the least time between two reclaims while they pay off */
  minGapMs: number;
  /** the gap doubles after each reclaim that freed less than usefulBytes, up to this */
  maxGapMs: number;
  usefulBytes: number;
  /** resident memory above which one is due whatever explains it (garbage in a grown heap), like a soft limit */
  softLimitBytes?: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_RECLAIM_POLICY: ReclaimPolicy = {
  // a started operator's code, malloc arenas, thread stacks and heap slack are about 60–90 MiB of it
  unexplainedBytes: 96 * MIB,
  minGapMs: 60_000,
  maxGapMs: 30 * 60_000,
  usefulBytes: 32 * MIB,
};

/** planReclaim decides from one sample whether a memory-reducing collection is due now. */
export function planReclaim(
  sample: MemorySample,
  last: { atMs: number; gapMs: number } | undefined,
  nowMs: number,
  policy: ReclaimPolicy = DEFAULT_RECLAIM_POLICY,
): boolean {
  if (last !== undefined && nowMs - last.atMs < last.gapMs) return false;
  if (policy.softLimitBytes !== undefined && sample.rss > policy.softLimitBytes) return true;
  return sample.rss - sample.heapUsed - sample.external > policy.unexplainedBytes;
}

/**
 * nextGap keeps reclaims a minute apart while they pay off (free memory, or close at least half of the excess over
 * the soft limit) and backs off when they do not.
 */
export function nextGap(
  previousGapMs: number | undefined,
  rss: { before: number; after: number },
  policy: ReclaimPolicy,
): number {
  const freed = rss.before - rss.after;
  const excess = rss.before - (policy.softLimitBytes ?? Infinity);
  const towardSoftLimit = excess > 0 && freed >= excess / 2;
  if (freed >= policy.usefulBytes || towardSoftLimit || previousGapMs === undefined) return policy.minGapMs;
  return Math.min(previousGapMs * 2, policy.maxGapMs);
}

export interface MemoryReclaimDeps {
  sample(): MemorySample;
  /** a memory-reducing collection: it ends with the engine's pooled pages returned to the system */
  collect(): Promise<void>;
  now(): number;
  log: Logger;
  /** what a collection must not pause now (e.g. a restore with its schedulers stopped), or undefined */
  blockedBy?(): string | undefined;
  onReclaim?(reclaim: ReclaimResult): void;
}

export interface ReclaimResult {
  freedBytes: number;
  /** wall time of the collection, during which the process runs nothing else */
  pauseSeconds: number;
}

export interface MemoryReclaim {
  /** check samples memory once and collects when the policy says so; it never throws */
  check(): Promise<boolean>;
}

export function createMemoryReclaim(
  deps: MemoryReclaimDeps,
  policy: ReclaimPolicy = DEFAULT_RECLAIM_POLICY,
): MemoryReclaim {
  let last: { atMs: number; gapMs: number } | undefined;
  let running = false;
  let loggedBlock: string | undefined;
  // a due reclaim waits while something must not be paused; each new reason is logged once
  const blocked = (): boolean => {
    let by: string | undefined;
    try {
      by = deps.blockedBy?.();
    } catch (err) {
      // an unreadable cache proves nothing is safe to pause
      by = `the block check failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (by !== undefined && by !== loggedBlock) deps.log.info({ blockedBy: by }, 'Memory reclaim deferred');
    loggedBlock = by;
    return by !== undefined;
  };
  return {
    async check() {
      if (running) return false;
      const before = deps.sample();
      const startMs = deps.now();
      if (!planReclaim(before, last, startMs, policy) || blocked()) return false;
      running = true;
      try {
        // timed apart from the sampling and the block check, so the histogram holds only the pause itself
        const collectStartMs = deps.now();
        await deps.collect();
        const pauseMs = deps.now() - collectStartMs;
        const after = deps.sample().rss;
        const freed = before.rss - after;
        last = { atMs: startMs, gapMs: nextGap(last?.gapMs, { before: before.rss, after }, policy) };
        deps.onReclaim?.({ freedBytes: freed, pauseSeconds: pauseMs / 1000 });
        deps.log.info(
          {
            freedMiB: Math.round(freed / MIB),
            rssMiB: Math.round((before.rss - freed) / MIB),
            pauseMs,
            nextCheckAfterMs: last.gapMs,
          },
          'Returned memory the JavaScript engine kept after a burst of work',
        );
        return true;
      } catch (err) {
        last = { atMs: startMs, gapMs: policy.maxGapMs };
        deps.log.warn({ err }, 'A memory-reducing collection failed');
        return false;
      } finally {
        running = false;
      }
    },
  };
}

/**
 * collectAllAvailableGarbage asks V8, through the in-process inspector (no port is opened), for the collection a heap
 * profiler runs before a snapshot: repeated full GCs that reduce memory, after which the page pool is released.
 */
export async function collectAllAvailableGarbage(): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}

export const processMemory = (): MemorySample => {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
};
