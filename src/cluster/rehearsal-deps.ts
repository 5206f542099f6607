// The cluster controller's implementation of the rehearsal's reads and effects: informer caches, the API server,
// the shared ZooKeeper sessions, the backup agents (trusting the rehearsal pod the cluster owns) and Aurora's API.
import type { KubernetesObject, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import { agentHostGuard } from '../agent/agent-targets.ts';
import { createAuroraAdminClient } from '../aurora/admin-client.ts';
import { probeScheduler } from '../aurora/scheduler-probe.ts';
import type { ZkSessions } from '../aurora/zk-sessions.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import type { SupervisedInformer } from '../k8s/supervised-informer.ts';
import { statefulSetName } from '../resources/names.ts';
import { rehearsalName, REHEARSAL_LABEL } from '../resources/rehearsal-pod.ts';
import type { RehearsalDeps } from './ensure-rehearsal.ts';
import { createRehearsalZk } from './rehearsal-zk.ts';

// copying or decoding a backup reads the whole file; a rehearsal waits this long for one call at most
const REHEARSAL_COPY_TIMEOUT_MS = 120_000;

export interface RehearsalWiring {
  client: RestClient;
  kube: KubeClient;
  zkSessions: ZkSessions;
  pods: SupervisedInformer<V1Pod>;
  statefulSets: SupervisedInformer<V1StatefulSet>;
  probeTimeoutMs: number;
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
  agents(
    cluster: AuroraCluster,
    trusted: (host: string) => boolean,
    copyTimeoutMs: number,
  ): AgentClient | undefined;
  enqueue(key: string): void;
}

/** The rehearsal pod's IP, only when the pod is controlled by this very AuroraCluster (owner UID, not labels). */
function rehearsalHost(cluster: AuroraCluster, pod: V1Pod | undefined): string | undefined {
  const owned = (pod?.metadata?.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.kind === 'AuroraCluster' && ref.uid === cluster.metadata.uid,
  );
  return owned ? pod?.status?.podIP : undefined;
}

export function createRehearsalDeps(w: RehearsalWiring): RehearsalDeps {
  // a change of a rehearsal pod (its IP, a container ending) brings its cluster back at once
  w.pods.onChange((obj: KubernetesObject) => {
    const cluster = obj.metadata?.labels?.[REHEARSAL_LABEL];
    if (cluster) w.enqueue(`${obj.metadata?.namespace}/${cluster}`);
  });
  const cachedPod = (namespace: string, name: string) => w.pods.cache.get(name, namespace);
  return {
    kube: w.kube,
    cachedPod,
    async networkPolicyExists(namespace, name) {
      const path = resourcePath({
        apiVersion: 'networking.k8s.io/v1',
        plural: 'networkpolicies',
        namespace,
        name,
      });
      return w.client.request({ path }).then(
        () => true,
        (err: unknown) => (isNotFound(err) ? false : Promise.reject(err)),
      );
    },
    zk: createRehearsalZk(w.zkSessions),
    agents(cluster) {
      const namespace = cluster.metadata.namespace ?? 'default';
      const replicas = agentHostGuard(
        () => w.statefulSets.cache.get(statefulSetName(cluster), namespace),
        () => w.pods.cache.list(namespace),
      );
      const trusted = (host: string): boolean =>
        replicas(host) || host === rehearsalHost(cluster, cachedPod(namespace, rehearsalName(cluster)));
      return w.agents(cluster, trusted, REHEARSAL_COPY_TIMEOUT_MS);
    },
    async lifecycle(host, cluster) {
      const { httpPort, libprocessPort } = cluster.spec;
      return (await probeScheduler({ host, httpPort, libprocessPort }, w.probeTimeoutMs)).lifecycle;
    },
    readTasks: (host, httpPort, query) =>
      createAuroraAdminClient({
        baseUrl: `http://${host}:${httpPort}`,
        timeoutMs: REHEARSAL_COPY_TIMEOUT_MS,
        // the rehearsal scheduler awaits registration and so advertises no leader to redirect to
        bypassLeaderRedirect: true,
      }).getTasksWithoutConfigs(query),
    digestCredentials: w.digestCredentials,
  };
}
