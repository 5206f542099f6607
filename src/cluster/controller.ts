// Wiring of the AuroraCluster controller: its queue fed by the cluster and owned-object informers, the effects,
// and the reconcile function.
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import { createAgentClient } from '../agent/agent-client.ts';
import { ensureAgentSecret, readAgentToken } from '../agent/agent-secret.ts';
import { agentHostGuard } from '../agent/agent-targets.ts';
import { computeNewestBackup, listReplicaBackups } from '../agent/newest-backup.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import type { ZkMembershipReader } from '../aurora/zk-membership.ts';
import type { InitMarkerStore } from '../aurora/init-marker-store.ts';
import type { ServersetReader } from '../aurora/serverset.ts';
import { runController, type RunningController } from '../controller/controller.ts';
import type { ControllerMetrics } from '../controller/metrics.ts';
import { WorkQueue } from '../controller/work-queue.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';
import { CLUSTER_LABEL, statefulSetName } from '../resources/names.ts';
import { reconcileAuroraCluster } from './reconcile.ts';

export interface ClusterInformers {
  clusters: SupervisedInformer<KubernetesObject>;
  statefulSets: SupervisedInformer<V1StatefulSet>;
  pods: SupervisedInformer<V1Pod>;
  claims: SupervisedInformer<V1PersistentVolumeClaim>;
}

export interface ClusterControllerDeps {
  kc: KubeConfig;
  kube: KubeClient;
  log: Logger;
  metrics: ControllerMetrics;
  informers: ClusterInformers;
  serverset: ServersetReader;
  membership?: ZkMembershipReader | undefined;
  initMarkers: InitMarkerStore;
  /** the Kubernetes cluster the operator runs in, written into markers; undefined when unknown */
  kubernetesCluster?: string | undefined;
  limit: Limiter;
  probeTimeoutMs: number;
  readyRequeueMs: number;
  notReadyRequeueMs: number;
  workers: number;
}

const keyOf = (obj: KubernetesObject): string => `${obj.metadata?.namespace}/${obj.metadata?.name}`;

function keyOfOwned(obj: KubernetesObject): string | undefined {
  const cluster = obj.metadata?.labels?.[CLUSTER_LABEL];
  return cluster ? `${obj.metadata?.namespace}/${cluster}` : undefined;
}

export function startClusterController(deps: ClusterControllerDeps): RunningController {
  const core = deps.kc.makeApiClient(CoreV1Api);
  const custom = deps.kc.makeApiClient(CustomObjectsApi);
  const { informers } = deps;
  const queue = new WorkQueue();
  informers.clusters.onChange((obj) => queue.add(keyOf(obj)));
  for (const owned of [informers.statefulSets, informers.pods] as SupervisedInformer<KubernetesObject>[]) {
    owned.onChange((obj) => {
      const key = keyOfOwned(obj);
      if (key) queue.add(key);
    });
  }
  for (const obj of informers.clusters.cache.list()) queue.add(keyOf(obj));
  const log = deps.log.child({ controller: 'auroracluster' });
  const digestCredentials = async (cluster: AuroraCluster): Promise<string | undefined> => {
    const ref = cluster.spec.zookeeper.digestCredentialsSecret;
    if (!ref) return undefined;
    const secret = await core.readNamespacedSecret({
      name: ref.name,
      namespace: cluster.metadata.namespace ?? 'default',
    });
    const value = secret.data?.[ref.key];
    return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  };
  return runController({
    name: 'auroracluster',
    queue,
    metrics: deps.metrics,
    log: deps.log,
    workers: deps.workers,
    reconcile: (key) =>
      reconcileAuroraCluster(key, {
        getCluster: (namespace, name) => informers.clusters.cache.get(name, namespace),
        listClusters: () => informers.clusters.cache.list(),
        statefulSet: (namespace, name) => informers.statefulSets.cache.get(name, namespace),
        pods: (namespace, cluster) =>
          informers.pods.cache.list(namespace).filter((p) => p.metadata?.labels?.[CLUSTER_LABEL] === cluster),
        serverset: deps.serverset,
        membership: deps.membership,
        initMarkers: deps.initMarkers,
        kubernetesCluster: deps.kubernetesCluster,
        logClaims: (namespace, cluster) =>
          informers.claims.cache
            .list(namespace)
            .filter((c) => c.metadata?.labels?.['app.kubernetes.io/instance'] === cluster),
        limit: deps.limit,
        probeTimeoutMs: deps.probeTimeoutMs,
        digestCredentials,
        kube: deps.kube,
        log,
        now: () => new Date(),
        readyRequeueMs: deps.readyRequeueMs,
        notReadyRequeueMs: deps.notReadyRequeueMs,
        ensureAgentSecret: (cluster) => ensureAgentSecret(core, cluster),
        getRestore: (namespace, name) =>
          custom
            .getNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              plural: AURORA_RESTORE.plural,
              namespace,
              name,
            })
            .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err))),
        newestBackup: async (cluster, pods) => {
          const token = await readAgentToken(core, cluster).catch(() => undefined);
          if (!token) return undefined;
          const namespace = cluster.metadata.namespace ?? 'default';
          const agents = createAgentClient({
            token,
            timeoutMs: deps.probeTimeoutMs,
            copyTimeoutMs: 0,
            trusted: agentHostGuard(
              () => informers.statefulSets.cache.get(statefulSetName(cluster), namespace),
              () => informers.pods.cache.list(namespace),
            ),
          });
          return computeNewestBackup(await listReplicaBackups(agents, pods, cluster.spec.backupAgent.port));
        },
      }),
  });
}
