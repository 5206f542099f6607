// An informer after client-go's reflector: LIST in pages until one succeeds, then WATCH from the list's
// resourceVersion, keeping an ObjectStore current and telling listeners of each add, update and delete. A watch the
// server ends resumes at once from the last resourceVersion; one that can no longer be served relists; any other
// failure is reported as an 'error' event and retried after a back-off. It only ends when stop() is called.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError } from './api-error.ts';
import { Backoff, INFORMER_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { ObjectStore, type ObjectCache, type StoredObject } from './object-store.ts';
import { listAllPages } from './paged-list.ts';
import type { Query, RestClient } from './rest-client.ts';
import { parseStatus, planWatchFailure, type StatusLike } from './watch-error.ts';
import {
  startWatch,
  watchTimeoutSeconds,
  WatchFrameError,
  WatchTimeoutError,
  type WatchEvent,
} from './watch.ts';

export type ObjectVerb = 'add' | 'update' | 'delete' | 'change';
export type SignalVerb = 'connect' | 'error';
type Verb = Exclude<ObjectVerb, 'change'> | SignalVerb;

export interface Informer<T> {
  on(verb: ObjectVerb, cb: (obj: T) => void): void;
  /** 'connect' at each watch opened; 'error' at each failed list or watch, which the informer retries itself */
  on(verb: SignalVerb, cb: (err?: unknown) => void): void;
  /** start resolves once a first LIST succeeded (or at once when the cache is synced); it rejects only on stop() */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** hasSynced is true once a LIST has filled the cache, and false again while a relist is due */
  hasSynced(): boolean;
}

// T defaults to never so that options without a transform suit an informer of any object type
export interface ListWatchOptions<T = never> {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** extra query parameters of every watch request */
  watchQuery?: Query;
  /** the watch inactivity limit (tests shorten it) */
  idleMs?: number;
  /** the longest watch line accepted (tests shorten it) */
  maxLineBytes?: number;
  /** the retry back-off (tests shorten it) */
  backoff?: BackoffPolicy;
  /** the LIST page size */
  pageSize?: number;
  /** what the cache keeps of each object (after managedFields are dropped); its listeners get the same object */
  transform?(obj: T): T;
}

/** how a watch ended: closed by the server or idle (resume now), unservable (relist), or failed (back off) */
type WatchEnd = 'resume' | 'relist' | { failed: unknown };

/** The operator never reads managedFields, and they are a third to a half of a cached pod or StatefulSet. */
function withoutManagedFields<O extends StoredObject>(obj: O): O {
  const meta = obj.metadata as { managedFields?: unknown } | undefined;
  if (meta && 'managedFields' in meta) delete meta.managedFields;
  return obj;
}

function endOf(err: unknown): WatchEnd {
  if (err === null || err instanceof WatchTimeoutError) return 'resume';
  if (err instanceof KubeApiError) {
    const status = parseStatus(err.body);
    return planWatchFailure({ ...status, code: err.code }) === 'relist' ? 'relist' : { failed: err };
  }
  return { failed: err };
}

export class ListWatch<T extends StoredObject> implements Informer<T>, ObjectCache<T> {
  readonly #client: RestClient;
  readonly #path: string;
  readonly #opts: ListWatchOptions<T>;
  readonly #backoff: Backoff;
  #store = new ObjectStore<T>();
  #handlers: Record<Verb, Array<(arg: never) => void>> = {
    add: [],
    update: [],
    delete: [],
    connect: [],
    error: [],
  };
  #resourceVersion = '';
  #synced = false;
  #run: AbortController | undefined;
  #started: Promise<void> = Promise.resolve();

  constructor(client: RestClient, path: string, opts: ListWatchOptions<T> = {}) {
    this.#client = client;
    this.#path = path;
    this.#opts = opts;
    this.#backoff = new Backoff(opts.backoff ?? INFORMER_BACKOFF);
  }

  on(verb: ObjectVerb, cb: (obj: T) => void): void;
  on(verb: SignalVerb, cb: (err?: unknown) => void): void;
  on(verb: ObjectVerb | SignalVerb, cb: (arg: never) => void): void {
    if (verb === 'change') for (const v of ['add', 'update', 'delete'] as const) this.#handlers[v].push(cb);
    else this.#handlers[verb].push(cb);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#store.get(name, namespace);
  }

  list(namespace?: string): T[] {
    return this.#store.list(namespace);
  }

  latestResourceVersion(): string {
    return this.#resourceVersion;
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  start(): Promise<void> {
    if (this.#run) return this.#started;
    const run = new AbortController();
    this.#run = run;
    this.#started = new Promise<void>((resolve, reject) => {
      const stopped = (): void => reject(new Error(`informer of ${this.#path} stopped before it synced`));
      run.signal.addEventListener('abort', stopped, { once: true });
      void this.#loop(run.signal, resolve);
    });
    return this.#started;
  }

  async stop(): Promise<void> {
    this.#run?.abort();
    this.#run = undefined;
  }

  #cached(obj: T): T {
    const lean = withoutManagedFields(obj);
    return this.#opts.transform ? this.#opts.transform(lean) : lean;
  }

  #emit(verb: Verb, arg: unknown): void {
    for (const cb of this.#handlers[verb].slice()) (cb as (a: unknown) => void)(arg);
  }

  async #loop(signal: AbortSignal, synced: () => void): Promise<void> {
    if (this.#synced) synced();
    while (!signal.aborted) {
      if (!this.#synced) {
        const failure = await this.#relist(signal);
        if (signal.aborted) return;
        if (failure) {
          await this.#failed(failure.err, signal);
          continue;
        }
        synced();
      }
      const end = await this.#watchOnce(signal);
      if (signal.aborted) return;
      // the cache stays readable, but is not a synced view until the relist replaced it
      if (end === 'relist') this.#synced = false;
      else if (end !== 'resume') await this.#failed(end.failed, signal);
    }
  }

  async #failed(err: unknown, signal: AbortSignal): Promise<void> {
    this.#emit('error', err);
    await sleep(this.#backoff.nextDelayMs(), undefined, { signal }).catch(() => undefined);
  }

  async #relist(signal: AbortSignal): Promise<{ err: unknown } | undefined> {
    const { labelSelector, fieldSelector, pageSize } = this.#opts;
    try {
      const snapshot = await listAllPages<T>(this.#client, this.#path, {
        query: { labelSelector, fieldSelector },
        signal,
        ...(pageSize ? { pageSize } : {}),
      });
      if (signal.aborted) return undefined;
      const { gone, changed } = this.#store.replace(snapshot.items.map((obj) => this.#cached(obj)));
      this.#resourceVersion = snapshot.resourceVersion;
      this.#synced = true;
      for (const obj of gone) this.#emit('delete', obj);
      for (const { verb, obj } of changed) this.#emit(verb, obj);
      return undefined;
    } catch (err) {
      return { err };
    }
  }

  #watchOnce(signal: AbortSignal): Promise<WatchEnd> {
    const { labelSelector, fieldSelector, watchQuery, idleMs, maxLineBytes } = this.#opts;
    const query = {
      ...watchQuery,
      allowWatchBookmarks: true,
      timeoutSeconds: watchTimeoutSeconds(),
      resourceVersion: this.#resourceVersion,
      labelSelector,
      fieldSelector,
    };
    return new Promise<WatchEnd>((resolve) => {
      const end = (how: WatchEnd): void => {
        signal.removeEventListener('abort', onAbort);
        handle.abort();
        resolve(how);
      };
      const onAbort = (): void => end('resume');
      const handle = startWatch(
        this.#client,
        { path: this.#path, query, idleMs, maxLineBytes },
        (event) => {
          const how = this.#apply(event);
          if (how) end(how);
        },
        (err) => end(endOf(err)),
      );
      signal.addEventListener('abort', onAbort, { once: true });
      this.#emit('connect', undefined);
    });
  }

  /** apply updates the cache from one event, or says how the watch ends when the event is an ERROR */
  #apply({ type, object }: WatchEvent): WatchEnd | undefined {
    if (type === 'ERROR') {
      const status = object as StatusLike;
      if (planWatchFailure(status) === 'relist') return 'relist';
      const code = typeof status.code === 'number' ? status.code : 500;
      return { failed: new KubeApiError(code, String(status.reason ?? 'Error'), JSON.stringify(object)) };
    }
    if (type === 'ADDED' || type === 'MODIFIED') {
      const obj = this.#cached(object as T);
      const change = this.#store.upsert(obj);
      if (change) this.#emit(change, obj);
    } else if (type === 'DELETED') {
      if (this.#store.remove(object as T)) this.#emit('delete', this.#cached(object as T));
    } else if (type !== 'BOOKMARK') {
      return { failed: new WatchFrameError(`watch sent an event of unknown type ${type}`) };
    }
    this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
    return undefined;
  }
}
