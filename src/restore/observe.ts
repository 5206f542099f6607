// Reads the real world for one restore pass: cluster, StatefulSet, pods, agents' markers and backups, probes,
// the restore ConfigMap, the NetworkPolicy and the leader's staged recovery.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestore } from '../api/aurora-restore.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import { AuroraRpcError, type AuroraAdminClient } from '../aurora/admin-client.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import type { ProbeTarget, SchedulerProbe } from '../aurora/scheduler-probe.ts';
import { toObservedPod } from '../k8s/observed-pod.ts';
import { RESTORE_LOCK_ANNOTATION, SCHEDULER_MODE_ANNOTATION } from '../api/contracts.ts';
import { LOG_INIT_CONTAINER, restoreConfigMapName, restoreNetworkPolicyName } from '../resources/names.ts';
import { taskJobKey } from './preview.ts';
import type { StagedState, StoredState, World, WorldPod, WorldStatefulSet } from './world.ts';

export interface RestoreObserveDeps {
  getCluster(namespace: string, name: string): unknown;
  statefulSet(namespace: string, name: string): V1StatefulSet | undefined;
  pods(namespace: string, cluster: string): V1Pod[];
  readConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  networkPolicyExists(namespace: string, name: string): Promise<boolean>;
  agents(cluster: AuroraCluster): Promise<AgentClient>;
  admin(podIP: string, httpPort: number): AuroraAdminClient;
  probe(target: ProbeTarget): Promise<SchedulerProbe>;
  limit: Limiter;
}

// read with a GET on every pass rather than from an informer's cache, so a write shows in the very next pass
const DIRECT_READS = new Set(['ConfigMap', 'NetworkPolicy']);

/** readsDirectly: whether a pass reads objects of this kind from the API server rather than a cache. */
export const readsDirectly = (kind: string): boolean => DIRECT_READS.has(kind);

function observeStatefulSet(sts: V1StatefulSet | undefined): WorldStatefulSet {
  if (!sts) return { exists: false, synced: true };
  const mode = sts.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION];
  return {
    exists: true,
    // a StatefulSet written before the builder stamped its mode is in the normal configuration
    mode: mode === 'recovery' ? 'recovery' : 'normal',
    synced: (sts.status?.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 0),
    ...(sts.spec?.replicas !== undefined ? { replicas: sts.spec.replicas } : {}),
    ...(sts.status?.updateRevision ? { updateRevision: sts.status.updateRevision } : {}),
  };
}

async function observePod(pod: V1Pod, cluster: AuroraCluster, agents: AgentClient, deps: RestoreObserveDeps) {
  const o = toObservedPod(pod);
  const w: WorldPod = {
    name: o.name,
    ordinal: o.ordinal,
    uid: o.uid,
    phase: o.phase,
    ready: o.ready,
    deleting: o.deleting,
  };
  if (o.revision) w.revision = o.revision;
  const init = pod.status?.initContainerStatuses?.find((c) => c.name === LOG_INIT_CONTAINER);
  const initExit = init?.lastState?.terminated?.exitCode ?? init?.state?.terminated?.exitCode;
  if (init && initExit !== undefined && initExit !== 0) {
    w.logInitFailures = { restarts: init.restartCount, exitCode: initExit };
  }
  if (!o.podIP || o.deleting) return w;
  w.podIP = o.podIP;
  const at = { host: o.podIP, port: cluster.spec.backupAgent.port };
  const [markers, backups, probe] = await Promise.all([
    deps.limit(() => agents.listMarkers(at)).catch(() => undefined),
    deps.limit(() => agents.listBackups(at)).catch(() => undefined),
    deps.limit(() =>
      deps.probe({
        host: o.podIP ?? '',
        httpPort: cluster.spec.httpPort,
        libprocessPort: cluster.spec.libprocessPort,
      }),
    ),
  ]);
  if (markers) w.markers = markers;
  if (backups) w.backups = backups;
  w.healthy = probe.healthy;
  if (probe.lifecycle) w.lifecycle = probe.lifecycle;
  if (probe.frameworkRegistered !== undefined) w.frameworkRegistered = probe.frameworkRegistered;
  if (probe.logRecovered !== undefined) w.logRecovered = probe.logRecovered;
  return w;
}

async function observeStaged(admin: AuroraAdminClient): Promise<StagedState> {
  try {
    const tasks = await admin.queryRecovery({});
    return {
      kind: 'staged',
      taskIds: tasks.map((t) => t.assignedTask.taskId),
      jobKeys: [...new Set(tasks.map(taskJobKey))],
    };
  } catch (err) {
    if (
      err instanceof AuroraRpcError &&
      !err.transient &&
      err.messages.some((m) => /no backup loaded/i.test(m))
    ) {
      return { kind: 'none' };
    }
    return { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
  }
}

async function observeStored(admin: AuroraAdminClient, pod: string): Promise<StoredState> {
  try {
    const tasks = await admin.getTasksWithoutConfigs({});
    return { kind: 'tasks', pod, taskIds: tasks.map((t) => t.assignedTask.taskId) };
  } catch (err) {
    return { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
  }
}

type DirectReads = Pick<RestoreObserveDeps, 'readConfigMap' | 'networkPolicyExists'>;

/** readDirect: the restore ConfigMap and the NetworkPolicy, read from the API server. */
async function readDirect(
  namespace: string,
  cluster: AuroraCluster,
  deps: DirectReads,
): Promise<Pick<World, 'restoreConfig' | 'networkPolicy'>> {
  const [config, networkPolicy] = await Promise.all([
    deps.readConfigMap(namespace, restoreConfigMapName(cluster)),
    deps.networkPolicyExists(namespace, restoreNetworkPolicyName(cluster)),
  ]);
  const restoreId = config?.['restoreId'];
  return restoreId
    ? { networkPolicy, restoreConfig: { restoreId, action: config['action'] ?? '' } }
    : { networkPolicy };
}

/**
 * rereadDirect: `world` with the objects a pass reads directly read again, so a write to them is proven from the
 * API server within the pass that made it.
 */
export async function rereadDirect(restore: AuroraRestore, world: World, deps: DirectReads): Promise<World> {
  if (!world.cluster) return world;
  const { restoreConfig: _old, networkPolicy: _np, ...rest } = world;
  return { ...rest, ...(await readDirect(restore.metadata.namespace ?? 'default', world.cluster, deps)) };
}

export async function observeRestoreWorld(restore: AuroraRestore, deps: RestoreObserveDeps): Promise<World> {
  const namespace = restore.metadata.namespace ?? 'default';
  const parsed = AuroraCluster.safeParse(deps.getCluster(namespace, restore.spec.cluster));
  if (!parsed.success) {
    return {
      clusterReady: false,
      statefulSet: { exists: false, synced: true },
      pods: [],
      networkPolicy: false,
    };
  }
  const cluster = parsed.data;
  // the API reads go out beside the pods' agent and probe calls, so a pass waits for the slowest, not their sum
  const apiReads = readDirect(namespace, cluster, deps);
  apiReads.catch(() => undefined);
  const agents = await deps.agents(cluster);
  const pods = await Promise.all(
    deps.pods(namespace, cluster.metadata.name).map((p) => observePod(p, cluster, agents, deps)),
  );
  pods.sort((a, b) => a.ordinal - b.ordinal);
  const direct = await apiReads;
  const statefulSet = observeStatefulSet(deps.statefulSet(namespace, cluster.metadata.name));
  const world: World = {
    cluster,
    clusterReady: cluster.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    statefulSet,
    pods,
    ...direct,
  };
  const holder = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
  if (holder) world.lockHolder = holder;
  const acknowledged = cluster.status?.lock?.restore;
  if (acknowledged) world.lockAcknowledged = acknowledged;
  if (restore.spec.strategy === 'Staged' && statefulSet.mode === 'recovery') {
    const awaiting = pods.filter((p) => p.lifecycle === 'LEADER_AWAITING_REGISTRATION' && p.podIP);
    const target = awaiting.find((p) => p.name === restore.status?.leader) ?? awaiting[0];
    world.staged = target?.podIP
      ? await observeStaged(deps.admin(target.podIP, cluster.spec.httpPort))
      : { kind: 'unknown', reason: 'no scheduler awaiting registration' };
    // only the stored state proves a commit: "nothing staged" is also what a lost leader leaves behind
    if (restore.status?.commitRequestedAt) {
      world.stored = target?.podIP
        ? await observeStored(deps.admin(target.podIP, cluster.spec.httpPort), target.name)
        : { kind: 'unknown', reason: 'no scheduler awaiting registration' };
    }
  }
  return world;
}
