// Composition root of the operator: builds the clients, informers and controllers once and runs them.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AuroraClusterStatus } from './api/aurora-cluster.ts';
import { createLimiter } from './aurora/concurrency-limit.ts';
import { createServersetReader } from './aurora/serverset.ts';
import { createInitMarkerStore } from './aurora/init-marker-store.ts';
import { createZkNodePool } from './aurora/zk-nodes.ts';
import { createZkMembershipReader } from './aurora/zk-membership.ts';
import { createZkSessions } from './aurora/zk-sessions.ts';
import { startClusterController } from './cluster/controller.ts';
import { loadConfig } from './config.ts';
import type { RunningController } from './controller/controller.ts';
import { LeaderElector } from './controller/leader-election.ts';
import { createControllerMetrics } from './controller/metrics.ts';
import { createClusterMetrics, type ClusterMetrics } from './diagnostics/cluster-metrics.ts';
import { createShippingMetrics } from './cluster/shipping-metrics.ts';
import { readKubernetesClusterId } from './k8s/cluster-identity.ts';
import { createKubeClient } from './k8s/kube-client.ts';
import { loadKubeConfig } from './k8s/load-kube-config.ts';
import { createRestClient } from './k8s/rest/rest-client.ts';
import { buildInformers } from './controller/operator-informers.ts';
import type { SupervisedInformer } from './k8s/supervised-informer.ts';
import { createLogger } from './log.ts';
import { startOperatorHttp } from './operator-http.ts';
import { CLUSTER_LABEL } from './resources/names.ts';
import { startRestoreController } from './restore/controller.ts';
import { clusterOfOwned } from './restore/world-events.ts';
import type { AuroraRestore } from './api/aurora-restore.ts';
import { cachedAgentToken } from './agent/agent-secret.ts';
import type { FaultHookFactory } from './controller/fault-windows.ts';

function updateClusterMetrics(metrics: ClusterMetrics, obj: KubernetesObject, gone: boolean): void {
  const status = (obj as { status?: AuroraClusterStatus }).status ?? {};
  metrics.update(obj.metadata?.namespace ?? 'default', obj.metadata?.name ?? '', gone ? undefined : status);
}

export interface RunningOperator {
  stop(): Promise<void>;
}

/** Code only a test entry point plugs in; `aurora-operator run` passes none, so no setting can enable it. */
export interface OperatorExtensions {
  faultHook?: FaultHookFactory<AuroraRestore>;
}

export async function startOperator(
  env: NodeJS.ProcessEnv = process.env,
  log = createLogger('aurora-operator'),
  extensions: OperatorExtensions = {},
): Promise<RunningOperator> {
  const config = loadConfig(env);
  const client = createRestClient(await loadKubeConfig());
  const kube = createKubeClient(client);
  const metrics = createControllerMetrics();
  const clusterMetrics = createClusterMetrics(metrics.registry);
  const shippingMetrics = createShippingMetrics(metrics.registry);
  const informers = buildInformers(client, config, log);
  const all: SupervisedInformer<KubernetesObject>[] = Object.values(
    informers,
  ) as SupervisedInformer<KubernetesObject>[];
  let synced = false;
  let leading = false;
  let stopping = false;
  const http = await startOperatorHttp(config.listenHost, config.httpPort, metrics.registry, {
    healthz: () => !stopping,
    // a standby waiting for the lease is ready too, so rolling updates of the Deployment can proceed
    // after a relist (410 Gone) a cache is not synced again until it succeeded
    readyz: () => !stopping && ((synced && all.every((i) => i.hasSynced())) || !leading),
  });
  log.info({ host: config.listenHost, port: config.httpPort }, 'Serving /healthz, /readyz and /metrics');

  // one cached ZooKeeper session per ensemble serves the serverset reads and the init markers
  const zkSessions = createZkSessions(config.probeTimeoutMs);
  const serverset = createServersetReader(config.probeTimeoutMs, zkSessions);
  const initMarkers = createInitMarkerStore(createZkNodePool(config.probeTimeoutMs, zkSessions));
  const limit = createLimiter(config.probeConcurrency);
  // metrics follow the object the event carries; a cluster gone from the cache is treated as deleted
  informers.clusters.onChange((obj) => {
    const namespace = obj.metadata?.namespace ?? 'default';
    const gone = !informers.clusters.cache.get(obj.metadata?.name ?? '', namespace);
    updateClusterMetrics(clusterMetrics, obj, gone);
    // the cluster's passes update the shipping series while it has a store; they go with the store or cluster
    const spec = (obj as { spec?: { backup?: { objectStore?: unknown } } }).spec;
    if (gone || !spec?.backup?.objectStore)
      shippingMetrics.update(namespace, obj.metadata?.name ?? '', undefined);
  });
  informers.restores.onChange((obj) => {
    const restore = obj as KubernetesObject & { spec?: { cluster?: string }; status?: { phase?: string } };
    const namespace = restore.metadata?.namespace ?? 'default';
    const gone = !informers.restores.cache.get(restore.metadata?.name ?? '', namespace);
    if (restore.spec?.cluster) {
      clusterMetrics.setRestorePhase(
        namespace,
        restore.spec.cluster,
        gone ? undefined : restore.status?.phase,
      );
    }
  });

  const elector = config.leaderElect
    ? new LeaderElector({
        client,
        namespace: config.podNamespace,
        name: config.leaseName,
        identity: config.podName,
        log,
      })
    : undefined;
  const running: { controller?: RunningController; restore?: RunningController } = {};
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('Stopping the operator');
    await running.controller?.stop();
    await running.restore?.stop();
    await Promise.all(all.map((i) => i.stop()));
    serverset.close();
    initMarkers.close();
    await elector?.release();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };

  if (elector) {
    await elector.acquire(() => {
      // another replica may lead once the lease expires for it, so exit now rather than drain in-flight reconciles
      process.exit(1);
    });
  }
  leading = true;
  metrics.isLeader.set(1);
  const identity = await readKubernetesClusterId(client, config.kubernetesClusterId);
  if (identity.error)
    log.warn(
      { err: identity.error },
      'Kubernetes cluster id unknown: ZooKeeper markers will name owners only',
    );
  // controllers start only on synced caches: each start() resolves after its first successful LIST
  for (const informer of all) await informer.start();
  if (stopping) return { stop };
  synced = true;
  running.controller = startClusterController({
    client,
    kube,
    log,
    metrics,
    informers,
    serverset,
    zkSessions,
    membership: createZkMembershipReader(zkSessions),
    initMarkers,
    kubernetesCluster: identity.id,
    limit,
    probeTimeoutMs: config.probeTimeoutMs,
    readyRequeueMs: config.readyRequeueMs,
    notReadyRequeueMs: config.notReadyRequeueMs,
    workers: config.workers,
    shippingMetrics,
  });
  running.restore = startRestoreController({
    client,
    kube,
    log,
    metrics,
    restores: informers.restores,
    synced: () => all.every((i) => i.hasSynced()),
    worldInformers: [
      { informer: informers.clusters, clusterOf: (obj) => obj.metadata?.name },
      { informer: informers.pods as SupervisedInformer<KubernetesObject>, clusterOf: clusterOfOwned },
      { informer: informers.statefulSets as SupervisedInformer<KubernetesObject>, clusterOf: clusterOfOwned },
      // the restore ConfigMap the steps write and delete
      { informer: informers.configMaps as SupervisedInformer<KubernetesObject>, clusterOf: clusterOfOwned },
    ],
    getCluster: (namespace, name) => informers.clusters.cache.get(name, namespace),
    statefulSet: (namespace, name) => informers.statefulSets.cache.get(name, namespace),
    pods: (namespace, cluster) =>
      informers.pods.cache.list(namespace).filter((p) => p.metadata?.labels?.[CLUSTER_LABEL] === cluster),
    agentToken: (cluster) => cachedAgentToken(informers.secrets.cache, cluster),
    limit,
    probeTimeoutMs: config.probeTimeoutMs,
    rpcTimeoutMs: config.rpcTimeoutMs,
    operatorPeer: {
      namespace: config.podNamespace,
      matchLabels: { 'app.kubernetes.io/name': config.operatorName },
    },
    workers: 2,
    activeRequeueMs: config.restoreRequeueMs,
    faultHook: extensions.faultHook,
  });
  log.info(
    { namespaces: config.watchNamespaces.length ? config.watchNamespaces : '(all)' },
    'Operator started',
  );
  return { stop };
}
