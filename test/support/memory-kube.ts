// An in-memory KubeClient that stores objects as an API server would: server-side apply with field ownership per
// field manager, resourceVersion and uid preconditions, JSON merge patches, recorded events, and faults that stop an
// operator between two writes.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  FIELD_MANAGER,
  type EventInput,
  type KubeClient,
  type ObjectRef,
} from '../../src/k8s/kube-client.ts';
import { canonicalJson } from '../../src/k8s/semantic-equal.ts';
import { recordUpdate, serverSideApply, type FieldOwners } from './managed-fields.ts';

type Json = Record<string, unknown>;

/** The identity of a stored object; uid is ignored. */
export type StoredRef = Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace' | 'name'>;

/** An API status error in the shape client-node raises: `code` is what isConflict and isNotFound read. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly body: string;
  constructor(code: number, message: string) {
    super(`HTTP-Code: ${code} Message: ${message}`);
    this.name = 'KubeApiError';
    this.code = code;
    this.body = JSON.stringify({ kind: 'Status', code, message });
  }
}

/** Thrown by every write once failAfterWrites' budget is spent: the operator process is gone. */
export class OperatorKilled extends Error {
  constructor(what: string) {
    super(`operator killed before ${what}`);
    this.name = 'OperatorKilled';
  }
}

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** mergePatchJson is RFC 7386: null deletes a key, maps merge, anything else replaces. */
export function mergePatchJson(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else if (isMap(value)) out[key] = mergePatchJson(isMap(out[key]) ? out[key] : {}, value);
    else out[key] = structuredClone(value);
  }
  return out;
}

const keyOf = (r: StoredRef): string => `${r.apiVersion}/${r.kind}/${r.namespace}/${r.name}`;
const metaOf = (o: Json): Json => (isMap(o['metadata']) ? o['metadata'] : {});
const specOf = (o: Json): string => {
  const { metadata: _m, status: _s, ...rest } = o;
  return canonicalJson(rest);
};

/** The manager `put` writes as when none is named: a user or another controller updating the object. */
export const OTHER_COMPONENT = 'another-component';

export class MemoryKube implements KubeClient {
  private readonly objects = new Map<string, Json>();
  /** per object: the fields each manager owns (`<manager>:apply`, `<manager>:apply:status`, `<manager>:update`) */
  private readonly owners = new Map<string, FieldOwners>();
  private counter = 0;
  private budget: number | undefined;
  private dead = false;
  private nextFault: { kind: 'hang' } | { kind: 'reject'; err: unknown } | undefined;
  /** the operator's writes that landed, e.g. `apply StatefulSet aurora/example` */
  readonly writes: string[] = [];
  readonly events: EventInput[] = [];

  /** failAfterWrites lets n more writes land; the next one and every later one throw until revive(). */
  failAfterWrites(n: number): void {
    this.budget = n;
  }

  /** hangNext makes the next write a call that never returns and never lands. */
  hangNext(): void {
    this.nextFault = { kind: 'hang' };
  }

  /** rejectNext makes the next write fail with err without landing. */
  rejectNext(err: unknown): void {
    this.nextFault = { kind: 'reject', err };
  }

  /** revive starts a fresh operator: writes land again. */
  revive(): void {
    this.dead = false;
    this.budget = undefined;
  }

  get killed(): boolean {
    return this.dead;
  }

  get resourceVersion(): number {
    return this.counter;
  }

  get<T = Json>(ref: StoredRef): T | undefined {
    const obj = this.objects.get(keyOf(ref));
    return obj ? (structuredClone(obj) as T) : undefined;
  }

  list<T = Json>(kind: string, namespace?: string): T[] {
    return [...this.objects.values()]
      .filter((o) => o['kind'] === kind && (namespace === undefined || metaOf(o)['namespace'] === namespace))
      .sort((a, b) => String(metaOf(a)['name']).localeCompare(String(metaOf(b)['name'])))
      .map((o) => structuredClone(o) as T);
  }

  /**
   * put stores the whole object as another component would (kubelet, a controller, a user) with an update: no
   * preconditions, no faults; the manager owns the fields it changed and fields it left out are gone.
   */
  put(obj: KubernetesObject | Json, manager = OTHER_COMPONENT): Json {
    const o = obj as Json;
    const meta = metaOf(o);
    const ref = this.refOf(o);
    return this.update(ref, `${manager}:update`, this.objects.get(keyOf(ref)), {
      ...o,
      metadata: { ...meta },
    });
  }

  /** remove deletes an object as another component would. */
  remove(ref: StoredRef): boolean {
    const gone = this.objects.delete(keyOf(ref));
    this.owners.delete(keyOf(ref));
    if (gone) this.counter++;
    return gone;
  }

  /** the operator's server-side apply, as field manager FIELD_MANAGER with force */
  async apply<T extends KubernetesObject>(obj: T): Promise<T> {
    const ref = this.refOf(obj as unknown as Json);
    await this.admit(`apply ${ref.kind} ${ref.namespace}/${ref.name}`);
    return this.applyAs(FIELD_MANAGER, obj);
  }

  /**
   * applyAs is a server-side apply with force by `manager`, e.g. a user's `kubectl apply --server-side`: no faults.
   * Fields this manager applied last time and leaves out now are removed unless another manager owns them.
   */
  applyAs<T extends KubernetesObject>(manager: string, obj: T): T {
    const o = structuredClone(obj) as unknown as Json;
    const ref = this.refOf(o);
    const existing = this.objects.get(keyOf(ref));
    const { resourceVersion, ...meta } = metaOf(o);
    this.precondition(ref, existing, resourceVersion);
    // the status subresource is written only through applyStatus
    const { status: _ignored, ...fields } = o;
    const next = serverSideApply(this.ownersOf(ref), `${manager}:apply`, existing ?? {}, {
      ...fields,
      metadata: meta,
    });
    return this.store(ref, existing, next) as unknown as T;
  }

  /** the operator's status apply: a field set of its own, separate from what its apply of the object owns */
  async applyStatus(ref: ObjectRef, status: unknown): Promise<void> {
    await this.admit(`applyStatus ${ref.kind} ${ref.namespace}/${ref.name}`);
    const existing = this.mustExist(ref);
    const owner = `${FIELD_MANAGER}:apply:status`;
    const next = serverSideApply(this.ownersOf(ref), owner, existing, { status: structuredClone(status) });
    this.store(ref, existing, next);
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<void> {
    await this.admit(`mergePatch ${ref.kind} ${ref.namespace}/${ref.name}`);
    const existing = this.mustExist(ref);
    const { resourceVersion, ...meta } = isMap(patch['metadata']) ? patch['metadata'] : {};
    this.precondition(ref, existing, resourceVersion);
    const merged = mergePatchJson(existing, { ...patch, metadata: meta });
    // the identity is not patchable
    const identity = { name: ref.name, namespace: ref.namespace, uid: metaOf(existing)['uid'] };
    const next = { ...merged, metadata: { ...metaOf(merged), ...identity } };
    this.update(ref, `${FIELD_MANAGER}:update`, existing, next);
  }

  async delete(ref: ObjectRef, opts: { uid?: string; gracePeriodSeconds?: number } = {}): Promise<boolean> {
    await this.admit(`delete ${ref.kind} ${ref.namespace}/${ref.name}`);
    const existing = this.objects.get(keyOf(ref));
    if (!existing) return false;
    const uid = metaOf(existing)['uid'];
    if (opts.uid !== undefined && opts.uid !== uid) {
      throw new KubeApiError(
        409,
        `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${String(uid)}`,
      );
    }
    this.objects.delete(keyOf(ref));
    this.owners.delete(keyOf(ref));
    this.counter++;
    return true;
  }

  async recordEvent(event: EventInput): Promise<void> {
    if (this.dead) throw new OperatorKilled(`event ${event.reason}`);
    this.events.push(structuredClone(event));
  }

  private refOf(o: Json): StoredRef {
    const meta = metaOf(o);
    return {
      apiVersion: String(o['apiVersion']),
      kind: String(o['kind']),
      namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
      name: String(meta['name']),
    };
  }

  private async admit(what: string): Promise<void> {
    if (this.dead) throw new OperatorKilled(what);
    const fault = this.nextFault;
    this.nextFault = undefined;
    if (fault?.kind === 'hang') await new Promise<never>(() => undefined);
    if (fault?.kind === 'reject') throw fault.err;
    if (this.budget !== undefined) {
      if (this.budget === 0) {
        this.dead = true;
        throw new OperatorKilled(what);
      }
      this.budget--;
    }
    this.writes.push(what);
  }

  private ownersOf(ref: StoredRef): FieldOwners {
    let owners = this.owners.get(keyOf(ref));
    if (!owners) {
      owners = new Map();
      this.owners.set(keyOf(ref), owners);
    }
    return owners;
  }

  /** update stores a whole new object written by `owner`, who then owns the fields it changed. */
  private update(ref: StoredRef, owner: string, existing: Json | undefined, next: Json): Json {
    recordUpdate(this.ownersOf(ref), owner, existing ?? {}, next);
    return this.store(ref, existing, next);
  }

  private mustExist(ref: StoredRef): Json {
    const existing = this.objects.get(keyOf(ref));
    if (!existing) throw new KubeApiError(404, `${ref.kind} "${ref.name}" not found`);
    return existing;
  }

  private precondition(ref: StoredRef, existing: Json | undefined, resourceVersion: unknown): void {
    if (resourceVersion === undefined || resourceVersion === null) return;
    const current = existing ? metaOf(existing)['resourceVersion'] : undefined;
    if (current === String(resourceVersion)) return;
    throw new KubeApiError(
      409,
      `Operation cannot be fulfilled on ${ref.kind} "${ref.name}": the object has been modified; ` +
        `please apply your changes to the latest version and try again`,
    );
  }

  /** store keeps next when it differs, bumping resourceVersion, and generation when more than metadata changed. */
  private store(ref: StoredRef, existing: Json | undefined, next: Json): Json {
    if (existing && canonicalJson(versionless(next)) === canonicalJson(versionless(existing))) {
      return structuredClone(existing);
    }
    this.counter++;
    const given = metaOf(next);
    const before = existing ? metaOf(existing) : {};
    const previous = typeof before['generation'] === 'number' ? before['generation'] : 0;
    const seeded = typeof given['generation'] === 'number' ? given['generation'] : 1;
    const meta: Json = {
      ...given,
      uid: given['uid'] ?? before['uid'] ?? `uid-${this.counter}`,
      resourceVersion: String(this.counter),
      generation: !existing ? seeded : specOf(existing) === specOf(next) ? previous : previous + 1,
    };
    const stored = { ...structuredClone(next), metadata: meta };
    this.objects.set(keyOf(ref), stored);
    return structuredClone(stored);
  }
}

function versionless(o: Json): Json {
  const { resourceVersion: _rv, generation: _g, ...meta } = metaOf(o);
  return { ...o, metadata: meta };
}
