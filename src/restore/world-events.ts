// Which restores an event of their cluster's world concerns: a pod, the StatefulSet or the AuroraCluster itself
// (lock acknowledgement, readiness), so a step waiting on them ends at the event instead of at its next poll.
import type { KubernetesObject } from '@kubernetes/client-node';
import { CLUSTER_LABEL } from '../resources/names.ts';

const SETTLED = new Set(['Succeeded', 'Cancelled', 'Failed']);

interface RestoreLike extends KubernetesObject {
  spec?: { cluster?: string };
  status?: { phase?: string };
}

/** clusterOfOwned: the cluster a pod or StatefulSet of the operator belongs to, by its label. */
export const clusterOfOwned = (obj: KubernetesObject): string | undefined =>
  obj.metadata?.labels?.[CLUSTER_LABEL];

/** restoresConcerned: the keys of the unfinished restores of `cluster` in `namespace`. */
export function restoresConcerned(
  namespace: string | undefined,
  cluster: string | undefined,
  restores: readonly KubernetesObject[],
): string[] {
  if (!cluster) return [];
  return (restores as readonly RestoreLike[])
    .filter(
      (r) =>
        r.metadata?.namespace === namespace &&
        r.spec?.cluster === cluster &&
        (!SETTLED.has(r.status?.phase ?? '') || r.metadata?.deletionTimestamp !== undefined),
    )
    .map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
}
