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
  /** false while a cache the reconcile reads is not synced (e.g. relisting): the key waits instead of a pass */
  synced?: () => boolean;
}

// how long a key waits for unsynced caches before it is looked at again
const UNSYNCED_WAIT_MS = 500;

export interface RunningController {
  stop(): Promise<void>;
}

async function processOne(opts: ControllerOptions, key: string): Promise<void> {
  const { name, queue, metrics, log } = opts;
  if (opts.synced && !opts.synced()) {
    // an empty or partial cache would read as "nothing there": no pass acts on it
    queue.done(key);
    queue.addAfter(key, UNSYNCED_WAIT_MS);
    return;
  }
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
