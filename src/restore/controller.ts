// Wiring of the AuroraRestore controller: its informer, queue, effects and the reconcile function.
import type { KubernetesObject, V1ConfigMap, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { AuroraRestore } from '../api/aurora-restore.ts';
import { AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import { createAgentClient } from '../agent/agent-client.ts';
import { readAgentToken } from '../agent/agent-secret.ts';
import { agentHostGuard } from '../agent/agent-targets.ts';
import { createAuroraAdminClient } from '../aurora/admin-client.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import { probeScheduler } from '../aurora/scheduler-probe.ts';
import { createChangeFilter } from '../controller/change-filter.ts';
import { runController, type RunningController } from '../controller/controller.ts';
import type { ControllerMetrics } from '../controller/metrics.ts';
import { WorkQueue } from '../controller/work-queue.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import type { SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';
import { statefulSetName } from '../resources/names.ts';
import type { OperatorPeer } from '../resources/network-policy.ts';
import type { FaultHookFactory } from '../controller/fault-windows.ts';
import { observeRestoreWorld, rereadDirect, type RestoreObserveDeps } from './observe.ts';
import { reconcileAuroraRestore } from './reconcile.ts';
import { createSourceLinker } from './source-store-link.ts';
import { restoresConcerned } from './world-events.ts';
import type { RestoreEffects } from './step.ts';

export interface RestoreControllerDeps {
  client: RestClient;
  kube: KubeClient;
  log: Logger;
  metrics: ControllerMetrics;
  restores: SupervisedInformer<KubernetesObject>;
  /** every cache the restore reads (restores, clusters, StatefulSets, pods) is synced */
  synced: () => boolean;
  /** the informers of what a restore waits on, each with the cluster an object belongs to */
  worldInformers?: {
    informer: SupervisedInformer<KubernetesObject>;
    clusterOf(obj: KubernetesObject): string | undefined;
  }[];
  getCluster(namespace: string, name: string): unknown;
  statefulSet(namespace: string, name: string): V1StatefulSet | undefined;
  pods(namespace: string, cluster: string): V1Pod[];
  /** the agents' token from a synced cache; without it every pass reads the Secret before any agent call */
  agentToken?(cluster: AuroraCluster): string | undefined;
  limit: Limiter;
  probeTimeoutMs: number;
  /** Aurora RPCs; commitRecovery writes the whole snapshot, so this is longer than a probe */
  rpcTimeoutMs: number;
  operatorPeer: OperatorPeer;
  workers: number;
  activeRequeueMs: number;
  /** test-only fault hook (docs/restore.md); only the test world's entry point passes one */
  faultHook?: FaultHookFactory<AuroraRestore> | undefined;
}

export function startRestoreController(deps: RestoreControllerDeps): RunningController {
  const { client } = deps;
  const log = deps.log.child({ controller: 'aurorarestore' });
  // a restore holds its cluster down, so its retries stay at most 30 s apart however long a fault lasts
  const queue = new WorkQueue({ maxDelayMs: 30_000 });
  const changes = createChangeFilter();
  deps.restores.onChange((obj) => {
    const gone = !deps.restores.cache.get(obj.metadata?.name ?? '', obj.metadata?.namespace);
    if (changes.relevant(obj, gone)) queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
  });
  // a step waiting on pods, the StatefulSet or the cluster's status ends at their event, not at its next poll
  for (const { informer, clusterOf } of deps.worldInformers ?? []) {
    informer.onChange((obj) => {
      const namespace = obj.metadata?.namespace;
      for (const key of restoresConcerned(namespace, clusterOf(obj), deps.restores.cache.list(namespace))) {
        queue.add(key);
      }
    });
  }
  for (const obj of deps.restores.cache.list()) queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
  const agents = async (cluster: AuroraCluster) => {
    const namespace = cluster.metadata.namespace ?? 'default';
    return createAgentClient({
      token: deps.agentToken?.(cluster) ?? (await readAgentToken(client, cluster)),
      timeoutMs: deps.probeTimeoutMs,
      copyTimeoutMs: 5 * 60_000,
      trusted: agentHostGuard(
        () => deps.statefulSet(namespace, statefulSetName(cluster)),
        () => deps.pods(namespace, cluster.metadata.name),
      ),
    });
  };
  const admin = (podIP: string, httpPort: number) =>
    createAuroraAdminClient({
      baseUrl: `http://${podIP}:${httpPort}`,
      timeoutMs: deps.rpcTimeoutMs,
      bypassLeaderRedirect: true,
    });
  const fx: RestoreEffects = {
    kube: deps.kube,
    agents,
    admin,
    operatorPeer: deps.operatorPeer,
    log,
    now: () => new Date(),
    linkSource: createSourceLinker(client),
  };
  const orUndefined = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const readRestore = (namespace: string, name: string) =>
    orUndefined(
      client.request({
        path: resourcePath({
          apiVersion: `${GROUP}/${VERSION}`,
          plural: AURORA_RESTORE.plural,
          namespace,
          name,
        }),
      }),
    );
  const observeDeps: RestoreObserveDeps = {
    getCluster: deps.getCluster,
    statefulSet: deps.statefulSet,
    pods: deps.pods,
    readConfigMap: async (namespace, name) =>
      (
        await orUndefined(
          client.request<V1ConfigMap>({
            path: resourcePath({ apiVersion: 'v1', plural: 'configmaps', namespace, name }),
          }),
        )
      )?.data,
    networkPolicyExists: async (namespace, name) =>
      (await orUndefined(
        client.request({
          path: resourcePath({
            apiVersion: 'networking.k8s.io/v1',
            plural: 'networkpolicies',
            namespace,
            name,
          }),
        }),
      )) !== undefined,
    agents,
    admin,
    probe: (target) => probeScheduler(target, deps.probeTimeoutMs),
    limit: deps.limit,
  };
  const faultHook = deps.faultHook?.({
    kube: deps.kube,
    log,
    reload: async (r) => {
      const parsed = AuroraRestore.safeParse(
        await readRestore(r.metadata.namespace ?? 'default', r.metadata.name),
      );
      return parsed.success ? parsed.data : undefined;
    },
  });
  return runController({
    name: 'aurorarestore',
    queue,
    synced: deps.synced,
    metrics: deps.metrics,
    log,
    workers: deps.workers,
    reconcile: (key) =>
      reconcileAuroraRestore(key, {
        getRestore: readRestore,
        observe: (restore) => observeRestoreWorld(restore, observeDeps),
        reread: (restore, world) => rereadDirect(restore, world, observeDeps),
        fx,
        faultHook,
        activeRequeueMs: deps.activeRequeueMs,
      }),
  });
}
