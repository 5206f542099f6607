// Downward API values (fieldRef and resourceFieldRef) shared by env variables and downwardAPI volume files.
import os from 'node:os';
import type {
  V1Container,
  V1ObjectFieldSelector,
  V1Pod,
  V1ResourceFieldSelector,
} from '@kubernetes/client-node';

/** What the runtime knows about a pod beyond its spec. */
export interface PodPlacement {
  podIP: string;
  hostIP: string;
  nodeName: string;
}

export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

function formatMap(map: Record<string, string> | undefined): string {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n');
}

export function fieldRefValue(pod: V1Pod, ref: V1ObjectFieldSelector, placement: PodPlacement): string {
  const meta = pod.metadata ?? {};
  const path = ref.fieldPath;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscript[2]!] ?? '';
  }
  const values: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'metadata.labels': formatMap(meta.labels),
    'metadata.annotations': formatMap(meta.annotations),
    'spec.nodeName': placement.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? 'default',
    'status.podIP': placement.podIP,
    'status.podIPs': placement.podIP,
    'status.hostIP': placement.hostIP,
    'status.hostIPs': placement.hostIP,
  };
  if (!(path in values)) throw new ContainerConfigError(`unsupported fieldRef ${path}`);
  return values[path] ?? '';
}

/** Container limits/requests; unset limits fall back to the node's capacity as the kubelet does. */
export function resourceFieldRefValue(
  pod: V1Pod,
  ref: V1ResourceFieldSelector,
  fallback?: V1Container,
): string {
  const container = pod.spec?.containers.find((c) => c.name === ref.containerName) ?? fallback;
  const [kind, resource] = ref.resource.split('.') as [string, string];
  const table = kind === 'requests' ? container?.resources?.requests : container?.resources?.limits;
  const value = table?.[resource];
  if (value !== undefined) return String(value);
  if (resource === 'cpu') return String(os.cpus().length);
  if (resource === 'memory') return String(os.totalmem());
  return '0';
}
