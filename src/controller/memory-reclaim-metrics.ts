// The memory reclaim's metrics: what it returned to the system and how long each collection paused the operator.
import { Histogram, type Counter, type Registry } from 'prom-client';
import type { ReclaimResult } from './memory-reclaim.ts';

export const RECLAIM_PAUSE_METRIC = 'aurora_operator_memory_reclaim_pause_seconds';

export function createReclaimPauseHistogram(registry: Registry): Histogram {
  return new Histogram({
    name: RECLAIM_PAUSE_METRIC,
    help: 'Wall time of each memory-reducing collection, during which the operator runs nothing else',
    // fine between 50 ms and 500 ms, where a full collection of the operator's heap falls
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
    registers: [registry],
  });
}

/** recordReclaim returns the reclaim's onReclaim: the bytes freed go to the counter, the pause to the histogram. */
export function recordReclaim(reclaimedBytes: Counter, pause: Histogram): (reclaim: ReclaimResult) => void {
  return ({ freedBytes, pauseSeconds }) => {
    reclaimedBytes.inc(Math.max(0, freedBytes));
    pause.observe(pauseSeconds);
  };
}
