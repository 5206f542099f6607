// The headless Service that gives each scheduler a stable name and the client Service that follows the leader.
import type { V1Service } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta, buildSelectorLabels } from './labels.ts';
import { clientServiceName, headlessServiceName, LEADER_ROLE, ROLE_LABEL } from './names.ts';
import { HTTP_PORT_NAME, LIBPROCESS_PORT_NAME } from './scheduler-container.ts';

export function buildHeadlessService(cluster: AuroraCluster): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: buildObjectMeta(cluster, headlessServiceName(cluster)),
    spec: {
      clusterIP: 'None',
      // replicas must find each other before any of them is ready, because readiness needs a quorum
      publishNotReadyAddresses: true,
      selector: buildSelectorLabels(cluster),
      ports: [
        { name: HTTP_PORT_NAME, port: cluster.spec.httpPort, targetPort: HTTP_PORT_NAME, protocol: 'TCP' },
        {
          name: LIBPROCESS_PORT_NAME,
          port: cluster.spec.libprocessPort,
          targetPort: LIBPROCESS_PORT_NAME,
          protocol: 'TCP',
        },
      ],
    },
  };
}

/** buildClientService selects only the pod the operator labelled leader, so clients skip redirects. */
export function buildClientService(cluster: AuroraCluster): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: buildObjectMeta(cluster, clientServiceName(cluster)),
    spec: {
      type: 'ClusterIP',
      selector: { ...buildSelectorLabels(cluster), [ROLE_LABEL]: LEADER_ROLE },
      ports: [
        { name: HTTP_PORT_NAME, port: cluster.spec.httpPort, targetPort: HTTP_PORT_NAME, protocol: 'TCP' },
      ],
    },
  };
}
