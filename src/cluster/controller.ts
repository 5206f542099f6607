// Wiring of the AuroraCluster controller: its queue fed by the cluster and owned-object informers, the effects,
// and the reconcile function.
import type {
  KubernetesObject,
  V1ConfigMap,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import { createAgentClient, type AgentClient } from '../agent/agent-client.ts';
import { ensureAgentSecret } from '../agent/agent-secret.ts';
import { agentHostGuard } from '../agent/agent-targets.ts';
import { computeNewestBackup, listReplicaBackups } from '../agent/newest-backup.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import type { ZkMembershipReader } from '../aurora/zk-membership.ts';
import type { InitMarkerStore } from '../aurora/init-marker-store.ts';
import type { ServersetReader } from '../aurora/serverset.ts';
import { createServersetWatch } from '../aurora/serverset-watch.ts';
import type { ZkSessions } from '../aurora/zk-sessions.ts';
import { runController, type RunningController } from '../controller/controller.ts';
import type { ControllerMetrics } from '../controller/metrics.ts';
import { createChangeFilter } from '../controller/change-filter.ts';
import { WorkQueue } from '../controller/work-queue.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import type { SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';
import { CLUSTER_LABEL, statefulSetName } from '../resources/names.ts';
import { createDesiredApplier, type CachedRef } from './apply-if-changed.ts';
import { createCachedSecrets } from './cached-secrets.ts';
import { reconcileAuroraCluster } from './reconcile.ts';
import { createRehearsalDeps } from './rehearsal-deps.ts';
import { computeShippingSummary } from './compute-shipping.ts';
import { observeShipping } from './observe-shipping.ts';
import type { ShippingMetrics } from './shipping-metrics.ts';

export interface ClusterInformers {
  clusters: SupervisedInformer<KubernetesObject>;
  statefulSets: SupervisedInformer<V1StatefulSet>;
  pods: SupervisedInformer<V1Pod>;
  claims: SupervisedInformer<V1PersistentVolumeClaim>;
  configMaps: SupervisedInformer<V1ConfigMap>;
  services: SupervisedInformer<V1Service>;
  podDisruptionBudgets: SupervisedInformer<V1PodDisruptionBudget>;
  secrets: SupervisedInformer<V1Secret>;
}

export interface ClusterControllerDeps {
  client: RestClient;
  kube: KubeClient;
  log: Logger;
  metrics: ControllerMetrics;
  informers: ClusterInformers;
  serverset: ServersetReader;
  /** the sessions the serverset reader uses; with them a serverset change enqueues its cluster at once */
  zkSessions?: ZkSessions | undefined;
  membership?: ZkMembershipReader | undefined;
  initMarkers: InitMarkerStore;
  /** the Kubernetes cluster the operator runs in, written into markers; undefined when unknown */
  kubernetesCluster?: string | undefined;
  limit: Limiter;
  probeTimeoutMs: number;
  readyRequeueMs: number;
  notReadyRequeueMs: number;
  workers: number;
  /** per-cluster shipping series, updated on each pass of a cluster with spec.backup.objectStore */
  shippingMetrics?: ShippingMetrics | undefined;
}

const keyOf = (obj: KubernetesObject): string => `${obj.metadata?.namespace}/${obj.metadata?.name}`;

// a failing cluster pass is retried at most 2 minutes apart, so a cluster recovers soon after its fault clears
const CLUSTER_MAX_BACKOFF_MS = 120_000;

function keyOfOwned(obj: KubernetesObject): string | undefined {
  const cluster = obj.metadata?.labels?.[CLUSTER_LABEL];
  return cluster ? `${obj.metadata?.namespace}/${cluster}` : undefined;
}

export function startClusterController(deps: ClusterControllerDeps): RunningController {
  const { informers } = deps;
  const queue = new WorkQueue({ maxDelayMs: CLUSTER_MAX_BACKOFF_MS });
  const changes = createChangeFilter();
  informers.clusters.onChange((obj) => {
    const gone = !informers.clusters.cache.get(obj.metadata?.name ?? '', obj.metadata?.namespace);
    if (changes.relevant(obj, gone)) queue.add(keyOf(obj));
  });
  const owned = [
    informers.statefulSets,
    informers.pods,
    informers.configMaps,
    informers.services,
    informers.podDisruptionBudgets,
  ] as SupervisedInformer<KubernetesObject>[];
  // a change to any applied object (a drifted field) brings its cluster back for a pass
  for (const informer of owned) {
    informer.onChange((obj) => {
      const key = keyOfOwned(obj);
      if (key) queue.add(key);
    });
  }
  for (const obj of informers.clusters.cache.list()) queue.add(keyOf(obj));
  const log = deps.log.child({ controller: 'auroracluster' });
  const secrets = createCachedSecrets(deps.client, informers.secrets.cache, log);
  const applier = createDesiredApplier(cachedObjects(informers));
  const watch =
    deps.zkSessions && createServersetWatch(deps.zkSessions, deps.serverset, (key) => queue.add(key));
  const agentsFor = (cluster: AuroraCluster, trusted: (host: string) => boolean, copyTimeoutMs: number) => {
    const token = secrets.agentToken(cluster);
    if (!token) return undefined;
    return createAgentClient({ token, timeoutMs: deps.probeTimeoutMs, copyTimeoutMs, trusted });
  };
  // the agents of one cluster, reached only at the IPs of its own pods
  const clusterAgents = (cluster: AuroraCluster): AgentClient | undefined => {
    const namespace = cluster.metadata.namespace ?? 'default';
    const trusted = agentHostGuard(
      () => informers.statefulSets.cache.get(statefulSetName(cluster), namespace),
      () => informers.pods.cache.list(namespace),
    );
    return agentsFor(cluster, trusted, 0);
  };
  const rehearsal =
    deps.zkSessions &&
    createRehearsalDeps({
      client: deps.client,
      kube: deps.kube,
      zkSessions: deps.zkSessions,
      pods: informers.pods,
      statefulSets: informers.statefulSets,
      probeTimeoutMs: deps.probeTimeoutMs,
      digestCredentials: (cluster) => secrets.digestCredentials(cluster),
      agents: agentsFor,
      enqueue: (key) => queue.add(key),
    });
  const controller = runController({
    name: 'auroracluster',
    queue,
    synced: () =>
      (Object.values(informers) as SupervisedInformer<KubernetesObject>[]).every((i) => i.hasSynced()),
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
        serverset: watch ? watch.readerFor(key) : deps.serverset,
        membership: deps.membership,
        initMarkers: deps.initMarkers,
        kubernetesCluster: deps.kubernetesCluster,
        logClaims: (namespace, cluster) =>
          informers.claims.cache
            .list(namespace)
            .filter((c) => c.metadata?.labels?.['app.kubernetes.io/instance'] === cluster),
        limit: deps.limit,
        probeTimeoutMs: deps.probeTimeoutMs,
        digestCredentials: (cluster) => secrets.digestCredentials(cluster),
        applier,
        kube: deps.kube,
        log,
        now: () => new Date(),
        readyRequeueMs: deps.readyRequeueMs,
        notReadyRequeueMs: deps.notReadyRequeueMs,
        ensureAgentSecret: async (cluster) => {
          if (!secrets.hasAgentSecret(cluster)) await ensureAgentSecret(deps.client, cluster);
        },
        getRestore: (namespace, name) =>
          deps.client
            .request({
              path: resourcePath({
                apiVersion: `${GROUP}/${VERSION}`,
                plural: AURORA_RESTORE.plural,
                namespace,
                name,
              }),
            })
            .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err))),
        rehearsal,
        newestBackup: async (cluster, pods) => {
          const agents = clusterAgents(cluster);
          if (!agents) return undefined;
          return computeNewestBackup(await listReplicaBackups(agents, pods, cluster.spec.backupAgent.port));
        },
        shipping: async (cluster, pods) => {
          const agents = clusterAgents(cluster);
          const replicas = agents ? await observeShipping(agents, pods, cluster.spec.backupAgent.port) : [];
          const { namespace = 'default', name } = cluster.metadata;
          // silent agents leave the series as they were, as the status keeps what was shipped
          if (replicas.length > 0)
            deps.shippingMetrics?.update(namespace, name, computeShippingSummary(replicas));
          return replicas;
        },
      }),
  });
  return {
    async stop() {
      await controller.stop();
      await secrets.stop();
    },
  };
}

// the kinds apply writes, each compared against its informer's copy before a write
function cachedObjects(informers: ClusterInformers): (ref: CachedRef) => KubernetesObject | undefined {
  const caches: Record<string, SupervisedInformer<KubernetesObject>['cache']> = {
    StatefulSet: informers.statefulSets.cache,
    ConfigMap: informers.configMaps.cache,
    Service: informers.services.cache,
    PodDisruptionBudget: informers.podDisruptionBudgets.cache,
  };
  return (ref) => caches[ref.kind]?.get(ref.name, ref.namespace);
}
