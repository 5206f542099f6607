// Gives back the memory the JavaScript engine keeps after a burst of work: V8 pools the heap pages a shrinking heap
// frees and releases them only on a memory-reducing collection, which a busy operator's engine rarely decides on.
import type { Logger } from '../log.ts';

export interface MemorySample {
  rss: number;
  heapTotal: number;
  external: number;
}

export interface ReclaimPolicy {
  /** resident memory the engine's own accounting does not explain (rss − heapTotal − external) that triggers one */
  unexplainedBytes: number;
  /** the least time between two reclaims, so a process that keeps the memory for another reason is not GC-bound */
  minGapMs: number;
}

export const DEFAULT_RECLAIM_POLICY: ReclaimPolicy = {
  // a started operator's code, malloc arenas and thread stacks are about 60–90 MiB of it
  unexplainedBytes: 128 * 1024 * 1024,
  minGapMs: 5 * 60_000,
};

/** planReclaim decides from one sample whether a memory-reducing collection is due now. */
export function planReclaim(
  sample: MemorySample,
  lastReclaimMs: number | undefined,
  nowMs: number,
  policy: ReclaimPolicy = DEFAULT_RECLAIM_POLICY,
): boolean {
  if (lastReclaimMs !== undefined && nowMs - lastReclaimMs < policy.minGapMs) return false;
  return sample.rss - sample.heapTotal - sample.external > policy.unexplainedBytes;
}

export interface MemoryReclaimDeps {
  sample(): MemorySample;
  /** a memory-reducing collection: it ends with the engine's pooled pages returned to the system */
  collect(): Promise<void>;
  now(): number;
  log: Logger;
  onReclaim?(freedBytes: number): void;
}

export interface MemoryReclaim {
  /** check samples memory once and collects when the policy says so; it never throws */
  check(): Promise<boolean>;
}

export function createMemoryReclaim(
  deps: MemoryReclaimDeps,
  policy: ReclaimPolicy = DEFAULT_RECLAIM_POLICY,
): MemoryReclaim {
  let last: number | undefined;
  let running = false;
  return {
    async check() {
      if (running) return false;
      const before = deps.sample();
      if (!planReclaim(before, last, deps.now(), policy)) return false;
      running = true;
      last = deps.now();
      try {
        await deps.collect();
        const freed = before.rss - deps.sample().rss;
        deps.onReclaim?.(freed);
        deps.log.info(
          { freedMiB: Math.round(freed / 1048576), rssMiB: Math.round((before.rss - freed) / 1048576) },
          'Returned memory the JavaScript engine kept after a burst of work',
        );
        return true;
      } catch (err) {
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
  const { rss, heapTotal, external } = process.memoryUsage();
  return { rss, heapTotal, external };
};
