// The NetworkPolicy of a rehearsal: its throwaway scheduler may reach ZooKeeper (and itself, for its one-replica
// log) and nothing else, so neither the Mesos master nor the live schedulers are in reach even if a flag were wrong.
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildRehearsalMeta, REHEARSAL_LABEL } from './rehearsal-pod.ts';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** zkEgress: an IP endpoint is allowed as ip/32 and port; a host name only by port, plus DNS to resolve it. */
function zkEgress(endpoints: readonly string[]): V1NetworkPolicyEgressRule[] {
  const parsed = endpoints.map((e) => {
    const colon = e.lastIndexOf(':');
    return { host: e.slice(0, colon), port: Number(e.slice(colon + 1)) };
  });
  const rules: V1NetworkPolicyEgressRule[] = parsed
    .filter((p) => IPV4.test(p.host))
    .map((p) => ({
      to: [{ ipBlock: { cidr: `${p.host}/32` } }],
      ports: [{ protocol: 'TCP', port: p.port }],
    }));
  const named = parsed.filter((p) => !IPV4.test(p.host));
  if (named.length > 0) {
    rules.push({ ports: [...new Set(named.map((p) => p.port))].map((port) => ({ protocol: 'TCP', port })) });
    rules.push({
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
  }
  return rules;
}

export function buildRehearsalNetworkPolicy(cluster: AuroraCluster): V1NetworkPolicy {
  const self = { podSelector: { matchLabels: { [REHEARSAL_LABEL]: cluster.metadata.name } } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: buildRehearsalMeta(cluster),
    spec: {
      podSelector: self.podSelector,
      policyTypes: ['Egress'],
      egress: [{ to: [self] }, ...zkEgress(cluster.spec.zookeeper.endpoints)],
    },
  };
}
