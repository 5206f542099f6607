// PodDisruptionBudget that keeps a replicated-log quorum through voluntary disruptions.
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta, buildSelectorLabels } from './labels.ts';
import { podDisruptionBudgetName } from './names.ts';

export function buildPodDisruptionBudget(cluster: AuroraCluster): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: buildObjectMeta(cluster, podDisruptionBudgetName(cluster)),
    spec: {
      minAvailable: quorumSize(cluster.spec.replicas),
      selector: { matchLabels: buildSelectorLabels(cluster) },
    },
  };
}
