// An informer as the controllers use it: its cache, its changes, whether it is synced, and its failures logged and
// counted. The informer retries failed lists and watches itself, with the back-off of ./rest/backoff.ts.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Informer } from './rest/list-watch.ts';
import type { ObjectCache } from './rest/object-store.ts';

export interface SupervisedInformer<T extends KubernetesObject> {
  cache: ObjectCache<T>;
  onChange(cb: (obj: T) => void): void;
  /** start resolves once the first LIST succeeded; it rejects only when stop() comes first */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** hasSynced is true while the cache holds a complete LIST and the watch events after it */
  hasSynced(): boolean;
  /** restarts counts the failed lists and watches the informer retried */
  restarts(): number;
}

export interface SupervisorOptions {
  name: string;
  log: Logger;
}

export function superviseInformer<T extends KubernetesObject>(
  informer: Informer<T> & ObjectCache<T>,
  opts: SupervisorOptions,
): SupervisedInformer<T> {
  let restartCount = 0;
  let stopped = true;
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    restartCount++;
    const reason = err instanceof Error ? err.message : String(err);
    opts.log.warn({ informer: opts.name, reason, synced: informer.hasSynced() }, 'Informer failed, retrying');
  });
  return {
    cache: informer,
    onChange(cb) {
      informer.on('change', cb);
    },
    async start() {
      stopped = false;
      await informer.start();
    },
    async stop() {
      stopped = true;
      await informer.stop();
    },
    hasSynced: () => informer.hasSynced(),
    restarts: () => restartCount,
  };
}
