// Labels, selectors, owner reference and object metadata every builder stamps on what it creates.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import { CLUSTER_LABEL } from './names.ts';

/** buildSelectorLabels are the immutable StatefulSet selector; never add keys to it. */
export function buildSelectorLabels(cluster: AuroraCluster): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'aurora-scheduler',
    'app.kubernetes.io/instance': cluster.metadata.name,
    'app.kubernetes.io/component': 'scheduler',
  };
}

export function buildLabels(cluster: AuroraCluster): Record<string, string> {
  return {
    ...buildSelectorLabels(cluster),
    'app.kubernetes.io/managed-by': 'aurora-operator',
    [CLUSTER_LABEL]: cluster.metadata.name,
  };
}

/** buildOwnerReference returns undefined before the API server assigned a uid (e.g. for `render`). */
export function buildOwnerReference(cluster: AuroraCluster): V1OwnerReference | undefined {
  const uid = cluster.metadata.uid;
  if (!uid) return undefined;
  return {
    apiVersion: API_VERSION,
    kind: AURORA_CLUSTER.kind,
    name: cluster.metadata.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** buildObjectMeta gives a child object its name, namespace, labels and owner reference. */
export function buildObjectMeta(cluster: AuroraCluster, name: string): V1ObjectMeta {
  const owner = buildOwnerReference(cluster);
  return {
    name,
    ...(cluster.metadata.namespace ? { namespace: cluster.metadata.namespace } : {}),
    labels: buildLabels(cluster),
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
}
