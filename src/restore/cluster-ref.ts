// The restore's cluster and references to the objects the restore writes beside it.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { Situation } from './world.ts';

export function clusterOf(s: Situation): AuroraCluster {
  const cluster = s.world.cluster;
  if (!cluster) throw new Error(`AuroraCluster ${s.restore.spec.cluster} not found`);
  return cluster;
}

export function clusterObjectRef(cluster: AuroraCluster, apiVersion: string, kind: string, name: string) {
  return { apiVersion, kind, namespace: cluster.metadata.namespace ?? 'default', name };
}
