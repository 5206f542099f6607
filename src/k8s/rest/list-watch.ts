// An informer: LIST once, then WATCH from the list's resourceVersion, keeping an ObjectStore current and telling
// listeners of each add, update and delete. It follows client-node's ListWatch: a watch the server ends resumes
// from the last resourceVersion seen, 410 Gone relists, and any other failure stops it with an 'error' event.
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectStore, type ObjectCache, type StoredObject } from './object-store.ts';
import type { Query, RestClient } from './rest-client.ts';
import { startWatch, type WatchEvent, type WatchHandle } from './watch.ts';

export type ObjectVerb = 'add' | 'update' | 'delete' | 'change';
export type SignalVerb = 'connect' | 'error';
type Verb = Exclude<ObjectVerb, 'change'> | SignalVerb;

export interface Informer<T> {
  on(verb: ObjectVerb, cb: (obj: T) => void): void;
  on(verb: SignalVerb, cb: (err?: unknown) => void): void;
  /** start lists and opens the watch; a failure is reported as an 'error' event, not a rejection */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ListWatchOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** extra query parameters of every watch request, e.g. allowWatchBookmarks */
  watchQuery?: Query;
  /** the watch inactivity limit (tests shorten it) */
  idleMs?: number;
}

const BASE_RECONNECT_DELAY_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 30_000;

interface ListAnswer<T> {
  items?: T[] | null;
  metadata?: { resourceVersion?: string };
}

/** The operator never reads managedFields, and they are a third to a half of a cached pod or StatefulSet. */
function withoutManagedFields<O extends StoredObject>(obj: O): O {
  const meta = obj.metadata as { managedFields?: unknown } | undefined;
  if (meta && 'managedFields' in meta) delete meta.managedFields;
  return obj;
}

const statusOf = (err: unknown): unknown =>
  typeof err === 'object' && err !== null
    ? ((err as { code?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode)
    : undefined;

export class ListWatch<T extends StoredObject> implements Informer<T>, ObjectCache<T> {
  readonly #client: RestClient;
  readonly #path: string;
  readonly #opts: ListWatchOptions;
  #store = new ObjectStore<T>();
  #handlers: Record<Verb, Array<(arg: never) => void>> = {
    add: [],
    update: [],
    delete: [],
    connect: [],
    error: [],
  };
  #resourceVersion = '';
  #stopped = false;
  #hasConnected = false;
  #reconnectDelayMs = 0;
  #watch: WatchHandle | undefined;

  constructor(client: RestClient, path: string, opts: ListWatchOptions = {}) {
    this.#client = client;
    this.#path = path;
    this.#opts = opts;
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

  async start(): Promise<void> {
    this.#stopped = false;
    this.#reconnectDelayMs = 0;
    this.#hasConnected = false;
    await this.#done(null);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abortWatch();
  }

  #emit(verb: Verb, arg: unknown): void {
    for (const cb of this.#handlers[verb].slice()) (cb as (a: unknown) => void)(arg);
  }

  #abortWatch(): void {
    this.#watch?.abort();
    this.#watch = undefined;
  }

  async #done(err: unknown): Promise<void> {
    this.#abortWatch();
    const status = statusOf(err);
    if (status === 410) this.#resourceVersion = '';
    else if (err instanceof Error && err.name === 'TimeoutError') this.#reconnectDelayMs = 0;
    else if (err) return this.#emit('error', err);
    if (this.#stopped) return;
    this.#emit('connect', undefined);
    if (!this.#resourceVersion && !(await this.#relist())) return;
    if (this.#reconnectDelayMs > 0 && this.#hasConnected) await sleep(this.#reconnectDelayMs);
    if (this.#hasConnected)
      this.#reconnectDelayMs = Math.min(
        this.#reconnectDelayMs > 0 ? this.#reconnectDelayMs * 2 : BASE_RECONNECT_DELAY_MS,
        MAX_RECONNECT_DELAY_MS,
      );
    this.#hasConnected = true;
    // stopped while listing or waiting: no watch to open
    if (this.#stopped) return;
    const { labelSelector, fieldSelector, watchQuery, idleMs } = this.#opts;
    const query = { ...watchQuery, resourceVersion: this.#resourceVersion, labelSelector, fieldSelector };
    this.#watch = startWatch(
      this.#client,
      { path: this.#path, query, idleMs },
      (event) => this.#onEvent(event),
      (e) => void this.#done(e),
    );
  }

  async #relist(): Promise<boolean> {
    const { labelSelector, fieldSelector } = this.#opts;
    let answer: ListAnswer<T>;
    try {
      answer = await this.#client.request<ListAnswer<T>>({
        path: this.#path,
        query: { labelSelector, fieldSelector },
      });
    } catch (err) {
      this.#emit('error', err);
      return false;
    }
    const items = answer.items ?? [];
    for (const gone of this.#store.retainOnly(items)) this.#emit('delete', gone);
    for (const obj of items) this.#upsert(obj);
    this.#resourceVersion = answer.metadata?.resourceVersion ?? '';
    return true;
  }

  #upsert(obj: T): void {
    withoutManagedFields(obj);
    const change = this.#store.upsert(obj);
    if (change) this.#emit(change, obj);
  }

  #onEvent({ type, object }: WatchEvent): void {
    if (type === 'ERROR') {
      // the server closes the watch next; the relist happens when it does
      if (object.code === 410) this.#resourceVersion = '';
      return;
    }
    if (type === 'ADDED' || type === 'MODIFIED') this.#upsert(object as T);
    else if (type === 'DELETED' && this.#store.remove(object as T))
      this.#emit('delete', withoutManagedFields(object));
    this.#reconnectDelayMs = 0;
    this.#resourceVersion = object.metadata?.resourceVersion ?? '';
  }
}
