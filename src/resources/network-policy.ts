// The NetworkPolicy that blocks client traffic to the schedulers while a restore replaces their state.
import type { V1NetworkPolicy, V1NetworkPolicyIngressRule } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta, buildSelectorLabels } from './labels.ts';
import { restoreNetworkPolicyName } from './names.ts';

// the object as sent: client-node's model calls an ingress rule's `from` `_from`, and nothing renames it on the wire
type IngressRuleJson = Omit<V1NetworkPolicyIngressRule, '_from'> & {
  from?: V1NetworkPolicyIngressRule['_from'];
};
export type NetworkPolicyJson = Omit<V1NetworkPolicy, 'spec'> & {
  spec: Omit<NonNullable<V1NetworkPolicy['spec']>, 'ingress'> & { ingress?: IngressRuleJson[] };
};

export interface OperatorPeer {
  readonly namespace: string;
  readonly matchLabels: Record<string, string>;
}

/**
 * buildRestoreNetworkPolicy admits only the operator and the cluster's own pods, which need each other's
 * libprocess port for log replication; every other client is refused, as the restore guide recommends.
 */
export function buildRestoreNetworkPolicy(cluster: AuroraCluster, operator: OperatorPeer): NetworkPolicyJson {
  const selector = { matchLabels: buildSelectorLabels(cluster) };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: buildObjectMeta(cluster, restoreNetworkPolicyName(cluster)),
    spec: {
      podSelector: selector,
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: selector }] },
        {
          from: [
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
