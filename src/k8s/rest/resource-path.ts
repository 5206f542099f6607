// URL paths of Kubernetes resources: core (/api/v1) and grouped (/apis/group/version), namespaced or not.
export interface ResourcePath {
  /** "v1" or "group/version" */
  apiVersion: string;
  plural: string;
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

export function resourcePath(ref: ResourcePath): string {
  const root = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
  const sub = ref.name && ref.subresource ? `/${ref.subresource}` : '';
  return `${root}${ns}/${ref.plural}${name}${sub}`;
}

/** pluralOf: the resource name of a kind the operator writes (Pod → pods, NetworkPolicy → networkpolicies). */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return /(s|x|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
}
