// Keeps an informer running: an informer stops on any non-timeout error, so this restarts it with
// backoff and also restarts a watch that has gone silent for too long.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Informer } from './rest/list-watch.ts';
import type { ObjectCache } from './rest/object-store.ts';

export interface SupervisedInformer<T extends KubernetesObject> {
  cache: ObjectCache<T>;
  onChange(cb: (obj: T) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  restarts(): number;
}

export interface SupervisorOptions {
  name: string;
  log: Logger;
  stallMs?: number;
  maxBackoffMs?: number;
}

export function superviseInformer<T extends KubernetesObject>(
  informer: Informer<T> & ObjectCache<T>,
  opts: SupervisorOptions,
): SupervisedInformer<T> {
  const stallMs = opts.stallMs ?? 5 * 60_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  let lastActivity = Date.now();
  let failures = 0;
  let restartCount = 0;
  let stopped = true;
  let restartTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const touch = (): void => {
    lastActivity = Date.now();
  };

  const restart = (reason: string, delayMs: number): void => {
    if (stopped || restartTimer) return;
    restartCount++;
    opts.log.warn({ informer: opts.name, reason, delayMs }, 'Restarting informer');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      touch();
      void informer
        .stop()
        .then(() => informer.start())
        .then(() => {
          failures = 0;
        })
        .catch((err: unknown) => {
          failures++;
          restart(String(err), Math.min(1000 * 2 ** failures, maxBackoffMs));
        });
    }, delayMs);
  };

  informer.on('connect', touch);
  informer.on('change', touch);
  informer.on('error', (err: unknown) => {
    failures++;
    restart(err instanceof Error ? err.message : String(err), Math.min(500 * 2 ** failures, maxBackoffMs));
  });

  return {
    cache: informer,
    onChange(cb) {
      informer.on('add', cb);
      informer.on('update', cb);
      informer.on('delete', cb);
    },
    async start() {
      stopped = false;
      touch();
      await informer.start();
      watchdog = setInterval(
        () => {
          if (Date.now() - lastActivity > stallMs) restart('watch stalled', 0);
        },
        Math.min(stallMs, 30_000),
      );
      watchdog.unref();
    },
    async stop() {
      stopped = true;
      if (watchdog) clearInterval(watchdog);
      if (restartTimer) clearTimeout(restartTimer);
      await informer.stop();
    },
    restarts: () => restartCount,
  };
}
