// Reads everything a reconcile pass needs about one cluster, from informer caches and Aurora's own endpoints.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import { probeScheduler, type SchedulerProbe } from '../aurora/scheduler-probe.ts';
import type { ServersetReader } from '../aurora/serverset.ts';
import type { ZkMembershipReader } from '../aurora/zk-membership.ts';
import { collectSignals } from '../diagnostics/collect-signals.ts';
import { toObservedPod } from '../k8s/observed-pod.ts';
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';
import { observeLogInitEvidence, type LogInitGuardDeps } from './log-init-guard.ts';
import { observeClaims, statefulSetClaimSizes } from './observe-claims.ts';
import type { ObservedCluster } from './observed.ts';
import type { ReplicaShipping } from './compute-shipping.ts';
import type { ClusterObservation } from './plan.ts';

export interface ObserveDeps {
  statefulSet(namespace: string, name: string): V1StatefulSet | undefined;
  pods(namespace: string, cluster: string): V1Pod[];
  serverset: ServersetReader;
  /** reads election participants and log-group replicas; without it only the serverset is checked */
  membership?: ZkMembershipReader | undefined;
  limit: Limiter;
  probeTimeoutMs: number;
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
}

export async function observeCluster(cluster: AuroraCluster, deps: ObserveDeps): Promise<ObservedCluster> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const sts = deps.statefulSet(namespace, name);
  const pods = deps
    .pods(namespace, name)
    .map(toObservedPod)
    .sort((a, b) => a.ordinal - b.ordinal);
  const { httpPort, libprocessPort } = cluster.spec;
  const probes = await Promise.all(
    pods.map((pod) =>
      pod.podIP && !pod.deleting
        ? deps.limit(() =>
            probeScheduler({ host: pod.podIP ?? '', httpPort, libprocessPort }, deps.probeTimeoutMs),
          )
        : Promise.resolve<SchedulerProbe | undefined>(undefined),
    ),
  );
  pods.forEach((pod, i) => {
    const probe = probes[i];
    if (probe) pod.probe = probe;
  });
  const serverset: ObservedCluster['serverset'] = { members: [] };
  let participants: ObservedCluster['participants'];
  try {
    const { endpoints, chrootPath } = cluster.spec.zookeeper;
    const digestCredentials = await deps.digestCredentials(cluster);
    serverset.members = await deps.limit(() =>
      deps.serverset.readMembers({ endpoints, chrootPath, digestCredentials }, cluster.spec.serversetPath),
    );
    const membership = deps.membership;
    if (membership)
      participants = await deps.limit(() => readParticipants(cluster, membership, digestCredentials));
  } catch (err) {
    serverset.error = err instanceof Error ? err.message : String(err);
  }
  const diagnostics = await collectSignals({
    pods: pods
      .filter((p) => !p.deleting)
      .map((p) => ({
        name: p.name,
        ...(p.podIP ? { podIP: p.podIP } : {}),
        // Thrift reads need READY storage, which only an ACTIVE leader has
        leading: p.probe?.leaderHealth === 'leading' && p.probe.lifecycle === 'ACTIVE',
        ...(p.probe?.taskStore ? { taskStore: p.probe.taskStore } : {}),
      })),
    members: serverset.members,
    httpPort,
    libprocessPort,
    limit: deps.limit,
    timeoutMs: deps.probeTimeoutMs,
  });
  return {
    statefulSet: {
      exists: sts !== undefined,
      ...(sts?.spec?.replicas !== undefined ? { replicas: sts.spec.replicas } : {}),
      ...(sts?.status?.updateRevision ? { updateRevision: sts.status.updateRevision } : {}),
      ...(sts?.metadata?.resourceVersion ? { resourceVersion: sts.metadata.resourceVersion } : {}),
      ...(sts?.metadata?.annotations ? { annotations: sts.metadata.annotations } : {}),
      ...(sts?.metadata?.generation !== undefined ? { generation: sts.metadata.generation } : {}),
      ...(sts?.status?.observedGeneration !== undefined
        ? { observedGeneration: sts.status.observedGeneration }
        : {}),
      ...(sts ? { claimSizes: statefulSetClaimSizes(sts) } : {}),
    },
    pods,
    serverset,
    ...(participants ? { participants } : {}),
    diagnostics,
  };
}

// the election lives under the serverset path (chrooted); the native log's group path is never chrooted
async function readParticipants(
  cluster: AuroraCluster,
  membership: ZkMembershipReader,
  digestCredentials: string | undefined,
): Promise<NonNullable<ObservedCluster['participants']>> {
  const { endpoints, chrootPath } = cluster.spec.zookeeper;
  try {
    const [election, logGroup] = await Promise.all([
      membership.readElection({ endpoints, chrootPath, digestCredentials }, cluster.spec.serversetPath),
      membership.readLogGroup({ endpoints, digestCredentials }, cluster.spec.replicatedLog.zkGroupPath),
    ]);
    return { election, logGroup };
  } catch (err) {
    return { election: [], logGroup: [], error: err instanceof Error ? err.message : String(err) };
  }
}

export interface PassObserveDeps extends ObserveDeps, LogInitGuardDeps {
  /** every AuroraCluster the operator sees, e.g. the informer cache; unparsable ones are skipped */
  listClusters(): readonly unknown[];
  /** reads the AuroraRestore from the API server (not a cache): undefined when it does not exist */
  getRestore?(namespace: string, name: string): Promise<unknown>;
  /** the newest backup the replicas' agents report, undefined when none answered */
  newestBackup?(cluster: AuroraCluster, pods: ObservedCluster['pods']): Promise<NewestBackup | undefined>;
  /** what each replica's backup agent shipped; asked only when the cluster has spec.backup.objectStore */
  shipping?(cluster: AuroraCluster, pods: ObservedCluster['pods']): Promise<ReplicaShipping[]>;
}

// the informer replaces a cached object on every change, so a parse per object is valid until it is replaced: every
// pass parses each peer again otherwise, which grows with the square of the fleet
const parsedPeers = new WeakMap<object, AuroraCluster | null>();

function parsePeer(raw: object): AuroraCluster | null {
  const known = parsedPeers.get(raw);
  if (known !== undefined) return known;
  // only the spec and metadata matter here: a status written by another operator version must not hide a peer
  const { status: _status, ...object } = raw as Record<string, unknown>;
  const parsed = AuroraCluster.safeParse(object);
  const peer = parsed.success ? parsed.data : null;
  parsedPeers.set(raw, peer);
  return peer;
}

// a cluster whose spec does not parse has no paths to compare; it is Degraded InvalidSpec itself
export function parsePeers(cluster: AuroraCluster, all: readonly unknown[]): AuroraCluster[] {
  const self = `${cluster.metadata.namespace ?? 'default'}/${cluster.metadata.name}`;
  return all.flatMap((raw) => {
    if (typeof raw !== 'object' || raw === null) return [];
    const peer = parsePeer(raw);
    if (!peer) return [];
    const { namespace = 'default', name } = peer.metadata;
    return `${namespace}/${name}` === self ? [] : [peer];
  });
}

/** observeClusterPass reads everything one pass decides on; it writes nothing. */
export async function observeClusterPass(
  cluster: AuroraCluster,
  deps: PassObserveDeps,
): Promise<ClusterObservation> {
  const observed = await observeCluster(cluster, deps);
  observed.claims = observeClaims(
    cluster,
    deps.logClaims(cluster.metadata.namespace ?? 'default', cluster.metadata.name),
  );
  const evidence = await observeLogInitEvidence(cluster, deps);
  const obs: ClusterObservation = { observed, evidence, peers: parsePeers(cluster, deps.listClusters()) };
  const holder = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
  if (holder && deps.getRestore) {
    obs.lockHolder = {
      name: holder,
      restore: await deps.getRestore(cluster.metadata.namespace ?? 'default', holder),
    };
  }
  const newest = await deps.newestBackup?.(cluster, observed.pods);
  if (newest) obs.newestBackup = newest;
  // a cluster without a store costs no agent calls
  if (cluster.spec.backup.objectStore && deps.shipping)
    observed.shipping = await deps.shipping(cluster, observed.pods);
  return obs;
}
