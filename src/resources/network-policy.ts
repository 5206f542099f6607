// The NetworkPolicy that blocks client traffic to the schedulers while a restore replaces their state.
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta, buildSelectorLabels } from './labels.ts';
import { restoreNetworkPolicyName } from './names.ts';

export interface OperatorPeer {
  readonly namespace: string;
  readonly matchLabels: Record<string, string>;
}

/**
 * buildRestoreNetworkPolicy admits only the operator and the cluster's own pods, which need each other's
 * libprocess port for log replication; every other client is refused, as the restore guide recommends.
 */
export function buildRestoreNetworkPolicy(cluster: AuroraCluster, operator: OperatorPeer): V1NetworkPolicy {
  const selector = { matchLabels: buildSelectorLabels(cluster) };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: buildObjectMeta(cluster, restoreNetworkPolicyName(cluster)),
    spec: {
      podSelector: selector,
      policyTypes: ['Ingress'],
      // client-node's model names the field _from; its serializer writes it as from
      ingress: [
        { _from: [{ podSelector: selector }] },
        {
          _from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operator.namespace } },
              podSelector: { matchLabels: { ...operator.matchLabels } },
            },
          ],
        },
      ],
    },
  };
}
