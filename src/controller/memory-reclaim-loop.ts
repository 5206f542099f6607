// Runs the memory reclaim on a timer in the operator: the setting that switches it off, its metrics, and the
// restores and scaling steps (from the informers' caches) it waits for.
import type { OperatorConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ControllerMetrics } from './metrics.ts';
import {
  DEFAULT_RECLAIM_POLICY,
  collectAllAvailableGarbage,
  createMemoryReclaim,
  processMemory,
  type MemoryReclaimDeps,
  type ReclaimPolicy,
} from './memory-reclaim.ts';
import { createReclaimPauseHistogram, recordReclaim } from './memory-reclaim-metrics.ts';
import { planReclaimBlock, type ReclaimBlock } from './reclaim-window.ts';

export interface MemoryReclaimWiring {
  config: Pick<OperatorConfig, 'memoryReclaim' | 'memoryReclaimIntervalMs' | 'memorySoftLimitMiB'>;
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

/** reclaimPolicy: the default policy with the configured soft limit (0 leaves only the unexplained-memory rule). */
export function reclaimPolicy(softLimitMiB: number): ReclaimPolicy {
  return softLimitMiB > 0
    ? { ...DEFAULT_RECLAIM_POLICY, softLimitBytes: softLimitMiB * 1024 * 1024 }
    : DEFAULT_RECLAIM_POLICY;
}

export function startMemoryReclaim(wiring: MemoryReclaimWiring): { stop(): void } {
  const { config, log, metrics } = wiring;
  const pause = createReclaimPauseHistogram(metrics.registry);
  if (!config.memoryReclaim) {
    log.info('Memory reclaim switched off (AURORA_OPERATOR_MEMORY_RECLAIM=false)');
    return { stop: () => undefined };
  }
  const reclaim = createMemoryReclaim(
    {
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
    },
    reclaimPolicy(config.memorySoftLimitMiB),
  );
  const timer = setInterval(() => void reclaim.check(), config.memoryReclaimIntervalMs).unref();
  return { stop: () => clearInterval(timer) };
}
