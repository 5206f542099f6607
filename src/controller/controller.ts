// Runs workers that pull keys from the queue and call a level-based reconcile function for each.
import type { Logger } from '../log.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { ReconcileResult } from './result.ts';
import { TerminalError } from './result.ts';
import type { WorkQueue } from './work-queue.ts';

export type ReconcileFn = (key: string) => Promise<ReconcileResult>;

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  reconcile: ReconcileFn;
  metrics: ControllerMetrics;
  log: Logger;
  workers?: number;
}

export interface RunningController {
  stop(): Promise<void>;
}

async function processOne(opts: ControllerOptions, key: string): Promise<void> {
  const { name, queue, metrics, log } = opts;
  const endTimer = metrics.reconcileDuration.startTimer({ controller: name });
  try {
    const result = await opts.reconcile(key);
    queue.forget(key);
    if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
    metrics.reconciles.inc({ controller: name, result: result.requeueAfterMs ? 'requeue' : 'success' });
  } catch (err) {
    if (err instanceof TerminalError) {
      queue.forget(key);
      metrics.reconciles.inc({ controller: name, result: 'terminal' });
      log.warn({ key, reason: err.reason, err: err.message }, 'Reconcile stopped on a terminal error');
    } else {
      const delay = queue.addRateLimited(key);
      metrics.reconciles.inc({ controller: name, result: 'error' });
      metrics.reconcileErrors.inc({ controller: name });
      log.warn(
        { key, delayMs: delay, err: err instanceof Error ? err.message : String(err) },
        'Reconcile failed',
      );
    }
  } finally {
    endTimer();
    queue.done(key);
    metrics.queueDepth.set({ controller: name }, queue.depth());
  }
}

export function runController(opts: ControllerOptions): RunningController {
  const workers: Promise<void>[] = [];
  for (let i = 0; i < (opts.workers ?? 2); i++) {
    workers.push(
      (async () => {
        for (;;) {
          const key = await opts.queue.get();
          if (key === undefined) return;
          await processOne(opts, key);
        }
      })(),
    );
  }
  return {
    async stop() {
      opts.queue.shutDown();
      await Promise.all(workers);
    },
  };
}
