// A list+watch cache that restarts itself after errors, because client-node informers stop on any non-410 error.
import { ListWatch, Watch, type KubernetesObject, type KubernetesListObject } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import type { Kube } from './kube.ts';
import { errorMessage, plain } from './kube.ts';

export interface InformerHandlers<T> {
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
}

export interface SupervisedInformer<T> {
  list(): ReadonlyArray<T>;
  get(name: string, namespace?: string): T | undefined;
  /** Resolves once the first list has been delivered. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

export function startInformer<T extends KubernetesObject>(opts: {
  kube: Kube;
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  handlers: InformerHandlers<T>;
  log: Logger;
  fieldSelector?: string;
}): SupervisedInformer<T> {
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const listFn = async (): Promise<KubernetesListObject<T>> => {
    const result = await opts.list();
    return { ...result, items: result.items.map((item) => plain(item)) };
  };
  const lw = new ListWatch<T>(
    opts.path,
    new Watch(opts.kube.kc),
    async () => {
      const result = await listFn();
      // the list's items reach the handlers synchronously right after this promise resolves
      setImmediate(markSynced);
      return result;
    },
    false,
    undefined,
    opts.fieldSelector,
  );
  let stopped = false;
  let retryDelay = 500;
  let timer: NodeJS.Timeout | undefined;
  lw.on('add', (obj) => opts.handlers.onUpsert(obj));
  lw.on('update', (obj) => opts.handlers.onUpsert(obj));
  lw.on('delete', (obj) => opts.handlers.onDelete(obj));
  lw.on('connect', () => (retryDelay = 500));
  lw.on('error', (err: unknown) => {
    if (stopped) return;
    opts.log.warn({ path: opts.path, err: errorMessage(err) }, 'Informer failed, restarting');
    timer = setTimeout(() => void lw.start().catch(() => undefined), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10_000);
  });
  void lw.start().catch(() => undefined);
  return {
    list: () => lw.list(),
    get: (name, namespace) => lw.get(name, namespace),
    synced,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await lw.stop();
    },
  };
}
