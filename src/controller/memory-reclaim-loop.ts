// Runs the memory reclaim on a timer in the operator: the setting that switches it off, its metrics, and the
// restores and scaling steps (from the informers' caches) it waits for.
import type { OperatorConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ControllerMetrics } from './metrics.ts';
import {
  collectAllAvailableGarbage,
  createMemoryReclaim,
  processMemory,
  type MemoryReclaimDeps,
} from './memory-reclaim.ts';
import { createReclaimPauseHistogram, recordReclaim } from './memory-reclaim-metrics.ts';
import { planReclaimBlock, type ReclaimBlock } from './reclaim-window.ts';

export interface MemoryReclaimWiring {
  config: Pick<OperatorConfig, 'memoryReclaim' | 'memoryReclaimIntervalMs'>;
  log: Logger;
  metrics: Pick<ControllerMetrics, 'registry' | 'memoryReclaimedBytes'>;
  /** the cached AuroraRestores and AuroraClusters, read at each due reclaim */
  restores(): readonly unknown[];
  clusters(): readonly unknown[];
  /** the process's memory, V8's collection and the clock unless a test replaces them */
  engine?: Partial<Pick<MemoryReclaimDeps, 'sample' | 'collect' | 'now'>>;
}

export function describeReclaimBlock(block: ReclaimBlock): string {
  const ref = `${block.namespace}/${block.name}`;
  return block.kind === 'restore'
    ? `AuroraRestore ${ref} at step ${block.step}`
    : `AuroraCluster ${ref} scaling (step ${block.step})`;
}

export function startMemoryReclaim(wiring: MemoryReclaimWiring): { stop(): void } {
  const { config, log, metrics } = wiring;
  const pause = createReclaimPauseHistogram(metrics.registry);
  if (!config.memoryReclaim) {
    log.info('Memory reclaim switched off (AURORA_OPERATOR_MEMORY_RECLAIM=false)');
    return { stop: () => undefined };
  }
  const reclaim = createMemoryReclaim({
    sample: processMemory,
    collect: collectAllAvailableGarbage,
    now: Date.now,
    ...wiring.engine,
    log,
    blockedBy: () => {
      const block = planReclaimBlock(wiring.restores(), wiring.clusters());
      return block && describeReclaimBlock(block);
    },
    onReclaim: recordReclaim(metrics.memoryReclaimedBytes, pause),
  });
  const timer = setInterval(() => void reclaim.check(), config.memoryReclaimIntervalMs).unref();
  return { stop: () => clearInterval(timer) };
}
