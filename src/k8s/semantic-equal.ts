// Compares two JSON-like values ignoring key order, so status is only written when its content changed.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, inner]) => inner !== undefined)
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return v;
  });
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * semanticSubset tells whether every field of `owned` has the same value in `actual`, so applying `owned` would
 * change nothing: fields the API server defaulted or another manager set are ignored, list elements are compared
 * in order (same length), null asks for an absent field, and an empty map or list may be omitted by the server.
 */
export function semanticSubset(owned: unknown, actual: unknown): boolean {
  if (owned === undefined) return true;
  if (owned === null) return actual === undefined || actual === null;
  if (Array.isArray(owned)) {
    if (actual === undefined || actual === null) return owned.length === 0;
    return (
      Array.isArray(actual) &&
      owned.length === actual.length &&
      owned.every((item, i) => semanticSubset(item, actual[i]))
    );
  }
  if (isMap(owned)) {
    if (actual === undefined || actual === null)
      return Object.values(owned).every((v) => semanticSubset(v, undefined));
    if (!isMap(actual)) return false;
    return Object.entries(owned).every(([key, value]) => semanticSubset(value, actual[key]));
  }
  return owned === actual;
}
