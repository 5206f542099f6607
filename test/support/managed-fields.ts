// Server-side apply's field ownership as the memory API server keeps it: per object, the field paths each field
// manager last applied or changed, so an apply that stops naming a field removes it unless someone else owns it.
import { canonicalJson } from '../../src/k8s/semantic-equal.ts';

type Json = Record<string, unknown>;

/** A field path is the JSON array of its keys, e.g. `["metadata","labels","app"]`; lists are one atomic field. */
export type FieldPath = string;

/** The field sets of one object, by owner: a manager with its operation (`apply`, `apply:status`, `update`). */
export type FieldOwners = Map<string, Set<FieldPath>>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// the server sets these itself: no manager's apply removes them
const SERVER_FIELDS = new Set(
  [
    ['apiVersion'],
    ['kind'],
    ['metadata'],
    ['metadata', 'name'],
    ['metadata', 'namespace'],
    ['metadata', 'uid'],
    ['metadata', 'resourceVersion'],
    ['metadata', 'generation'],
    ['metadata', 'creationTimestamp'],
  ].map((p) => JSON.stringify(p)),
);

const pathOf = (keys: string[]): FieldPath => JSON.stringify(keys);
const within = (path: FieldPath, root: FieldPath): boolean =>
  path === root || path.startsWith(`${root.slice(0, -1)},`);

function valueAt(obj: Json, path: FieldPath): unknown {
  let at: unknown = obj;
  for (const key of JSON.parse(path) as string[]) at = isMap(at) ? at[key] : undefined;
  return at;
}

/** fieldPaths: every map key and every value below it, maps included, as a manager's apply names them. */
export function fieldPaths(obj: Json, prefix: string[] = []): Set<FieldPath> {
  const out = new Set<FieldPath>();
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const keys = [...prefix, key];
    const path = pathOf(keys);
    if (!SERVER_FIELDS.has(path)) out.add(path);
    if (isMap(value)) for (const p of fieldPaths(value, keys)) out.add(p);
  }
  return out;
}

/** changedLeaves: the paths whose value `after` sets differently from `before`, descending only map into map. */
function changedLeaves(before: Json, after: Json, prefix: string[] = []): FieldPath[] {
  return Object.entries(after).flatMap(([key, value]) => {
    const keys = [...prefix, key];
    const old = before[key];
    if (isMap(value) && isMap(old)) return changedLeaves(old, value, keys);
    return canonicalJson(value) === canonicalJson(old) ? [] : [pathOf(keys)];
  });
}

/** removedPaths: the keys `before` has and `after` lacks, with nothing below them. */
function removedPaths(before: Json, after: Json, prefix: string[] = []): FieldPath[] {
  return Object.entries(before).flatMap(([key, value]) => {
    const keys = [...prefix, key];
    if (!(key in after)) return [pathOf(keys)];
    const next = after[key];
    return isMap(value) && isMap(next) ? removedPaths(value, next, keys) : [];
  });
}

/** disown takes a path and everything below it from every owner but `keep`. */
function disown(owners: FieldOwners, path: FieldPath, keep?: string): void {
  for (const [owner, set] of owners) {
    if (owner === keep) continue;
    for (const p of set) if (within(p, path)) set.delete(p);
  }
}

const ownedElsewhere = (owners: FieldOwners, owner: string, path: FieldPath): boolean =>
  [...owners].some(([o, set]) => o !== owner && [...set].some((p) => within(p, path)));

/**
 * recordApply: `owner` now owns exactly the fields of `applied`; with force, a field it sets to another value is
 * taken from its other owners. Returns the fields it applied before, no longer applies, and nobody else owns.
 */
function recordApply(owners: FieldOwners, owner: string, applied: Json, before: Json): FieldPath[] {
  const now = fieldPaths(applied);
  for (const p of changedLeaves(before, applied)) if (!SERVER_FIELDS.has(p)) disown(owners, p, owner);
  const previous = owners.get(owner) ?? new Set<FieldPath>();
  owners.set(owner, now);
  return [...previous].filter((p) => !now.has(p) && !ownedElsewhere(owners, owner, p));
}

/** applyFields: the applied fields replace stored ones; maps merge key by key, lists are replaced whole (atomic). */
function applyFields(target: Json, applied: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(applied)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isMap(value) && isMap(current) ? applyFields(current, value) : structuredClone(value);
  }
  return out;
}

/** serverSideApply: the object after `owner`'s apply with force, its field set recorded in `owners`. */
export function serverSideApply(owners: FieldOwners, owner: string, existing: Json, applied: Json): Json {
  const dropped = recordApply(owners, owner, applied, existing);
  return withoutFields(applyFields(existing, applied), dropped);
}

/** recordUpdate: a write of the whole object (update or merge patch) owns what it changed; removed fields go. */
export function recordUpdate(owners: FieldOwners, owner: string, before: Json, after: Json): void {
  for (const p of removedPaths(before, after)) disown(owners, p);
  const set = owners.get(owner) ?? new Set<FieldPath>();
  for (const p of changedLeaves(before, after)) {
    if (SERVER_FIELDS.has(p)) continue;
    disown(owners, p, owner);
    set.add(p);
    const value = valueAt(after, p);
    if (isMap(value)) for (const q of fieldPaths(value, JSON.parse(p) as string[])) set.add(q);
  }
  owners.set(owner, set);
}

/** withoutFields deletes each path from a copy of obj; a path already gone with its parent is skipped. */
function withoutFields(obj: Json, paths: FieldPath[]): Json {
  const out = structuredClone(obj);
  for (const path of paths) {
    const keys = JSON.parse(path) as string[];
    const last = keys.pop() ?? '';
    const parent = valueAt(out, pathOf(keys));
    if (isMap(parent)) delete parent[last];
  }
  return out;
}
