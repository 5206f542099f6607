// When the shipper runs: at start (after sweeping unfinished uploads), every interval, soon after the backup
// directory changes, again after settleMs while a file waits for its second look, and with a capped, jittered
// exponential back-off while the store fails.
import { watch, type FSWatcher } from 'node:fs';
import { Backoff, type BackoffPolicy } from '../k8s/rest/backoff.ts';
import type { Logger } from '../log.ts';
import type { BackupShipper } from './backup-shipper.ts';

export const SHIPPING_BACKOFF: BackoffPolicy = {
  initialMs: 5_000,
  maxMs: 300_000,
  resetAfterMs: 600_000,
  jitter: 0.25,
};

/** a burst of directory events (temp file written, renamed, flushed) starts one round */
const WATCH_DEBOUNCE_MS = 1_000;

export interface ShipperLoopOptions {
  shipper: Pick<BackupShipper, 'round'>;
  backupDir: string;
  intervalMs: number;
  settleMs: number;
  /** the start-up sweep of unfinished uploads; returns the keys it aborted */
  sweep: () => Promise<string[]>;
  log: Logger;
  backoff?: Backoff;
}

export interface ShipperLoop {
  /** stops the timer and the watch and aborts an upload in flight; resolves when the round has ended */
  stop(): Promise<void>;
}

export function startShipperLoop(opts: ShipperLoopOptions): ShipperLoop {
  const controller = new AbortController();
  const backoff = opts.backoff ?? new Backoff(SHIPPING_BACKOFF);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let backingOff = false;
  let changedMeanwhile = false;

  const schedule = (ms: number): void => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(run, ms);
  };
  const roundOnce = async (): Promise<number> => {
    try {
      const result = await opts.shipper.round(controller.signal);
      backingOff = result.failed;
      if (result.failed) return backoff.nextDelayMs();
      if (result.settling > 0 || changedMeanwhile) return Math.min(opts.intervalMs, opts.settleMs);
      return opts.intervalMs;
    } catch (err) {
      if (!stopped) opts.log.warn({ err: (err as Error).message }, 'Shipping round failed');
      backingOff = true;
      return backoff.nextDelayMs();
    }
  };
  function run(): void {
    if (stopped || running) return;
    changedMeanwhile = false;
    running = roundOnce().then((delay) => {
      running = undefined;
      schedule(delay);
    });
  }

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(opts.backupDir, () => {
      if (running) changedMeanwhile = true;
      else if (!backingOff) schedule(WATCH_DEBOUNCE_MS);
    });
    watcher.on('error', () => watcher?.close());
  } catch (err) {
    // no directory yet (the scheduler creates it on its first backup): the timer alone finds the files
    opts.log.info({ err: (err as Error).message }, 'Not watching the backup directory');
  }

  running = opts
    .sweep()
    .then((aborted) => {
      if (aborted.length > 0)
        opts.log.info({ aborted }, 'Aborted unfinished uploads left by a stopped uploader');
    })
    .catch((err: unknown) =>
      opts.log.warn({ err: (err as Error).message }, 'Sweeping unfinished uploads failed'),
    )
    .then(() => {
      running = undefined;
      run();
    });

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      watcher?.close();
      controller.abort(new Error('backup agent stopping'));
      await running;
    },
  };
}
