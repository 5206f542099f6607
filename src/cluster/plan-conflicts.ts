// One ZooKeeper path, one cluster: finds AuroraClusters whose serverset or replicated log would share ZooKeeper
// nodes with another's, and decides which of the two keeps running (the one created first). Pure.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { ObservedCluster } from './observed.ts';
import { isSameOwner, type LogInitEvidence } from './plan-log-init.ts';

export const ZK_PATH_CONFLICT = 'ZooKeeperPathConflict';

const DEFAULT_ZK_PORT = 2181;

export type ZkPathRole = 'serverset' | 'replicated log';

export interface ZkPath {
  role: ZkPathRole;
  /** the path on the ensemble, after the chroot where Aurora applies one */
  path: string;
}

/** ZkFootprint is what a cluster occupies in ZooKeeper, and what orders it among clusters. */
export interface ZkFootprint {
  namespace: string;
  name: string;
  /** creation time in ms; Infinity when unknown, so a cluster without one never wins a tie */
  createdAt: number;
  ensemble: ReadonlySet<string>;
  paths: readonly ZkPath[];
}

export interface ZkPathConflict {
  /** the cluster created earlier, which keeps the paths */
  owner: { namespace: string; name: string };
  mine: ZkPath;
  theirs: ZkPath;
}

/** normalizeEndpoint compares endpoints as ZooKeeper does: hosts are case-insensitive, 2181 is the default port. */
export function normalizeEndpoint(endpoint: string): string {
  const text = endpoint.trim().toLowerCase();
  const colon = text.lastIndexOf(':');
  const host = (colon < 0 ? text : text.slice(0, colon)).replace(/\.$/, '');
  const port = colon < 0 ? NaN : Number(text.slice(colon + 1));
  return `${host}:${Number.isInteger(port) && port > 0 ? port : DEFAULT_ZK_PORT}`;
}

/** normalizePath joins a chroot and a path into one absolute path without doubled or trailing slashes. */
export function normalizePath(...parts: readonly string[]): string {
  const joined = `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return joined === '' ? '/' : joined;
}

/** isNestedPath: equal, or one is an ancestor of the other at a `/` boundary (`/a` and `/a/b`, not `/ab`). */
export function isNestedPath(a: string, b: string): boolean {
  if (a === b || a === '/' || b === '/') return true;
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function timeOf(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? Infinity : ms;
}

// Curator applies -zk_chroot_path to the serverset; the native log's group path is used as given
export function zkFootprintOf(cluster: AuroraCluster): ZkFootprint {
  const { zookeeper, serversetPath, replicatedLog } = cluster.spec;
  return {
    namespace: cluster.metadata.namespace ?? 'default',
    name: cluster.metadata.name,
    createdAt: timeOf(cluster.metadata['creationTimestamp']),
    ensemble: new Set(zookeeper.endpoints.map(normalizeEndpoint)),
    paths: [
      { role: 'serverset', path: normalizePath(zookeeper.chrootPath ?? '', serversetPath) },
      { role: 'replicated log', path: normalizePath(replicatedLog.zkGroupPath) },
    ],
  };
}

// parsed peers are the same objects until their cluster changes (observe.ts), so their footprints are kept too
const peerFootprints = new WeakMap<AuroraCluster, ZkFootprint>();

function peerFootprintOf(peer: AuroraCluster): ZkFootprint {
  let footprint = peerFootprints.get(peer);
  if (!footprint) {
    footprint = zkFootprintOf(peer);
    peerFootprints.set(peer, footprint);
  }
  return footprint;
}

const keyOf = (f: ZkFootprint): string => `${f.namespace}/${f.name}`;

/** isCreatedBefore orders clusters by creationTimestamp, then namespace/name, so every pass agrees on one winner. */
export function isCreatedBefore(a: ZkFootprint, b: ZkFootprint): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return keyOf(a) < keyOf(b);
}

function sharesEnsemble(a: ZkFootprint, b: ZkFootprint): boolean {
  return [...a.ensemble].some((endpoint) => b.ensemble.has(endpoint));
}

/** overlappingPaths: the first pair of paths, any role against any role, that would share ZooKeeper nodes. */
export function overlappingPaths(
  a: ZkFootprint,
  b: ZkFootprint,
): { mine: ZkPath; theirs: ZkPath } | undefined {
  if (!sharesEnsemble(a, b)) return undefined;
  for (const mine of a.paths) {
    const theirs = b.paths.find((p) => isNestedPath(mine.path, p.path));
    if (theirs) return { mine, theirs };
  }
  return undefined;
}

/**
 * findZkPathConflict returns the earliest-created other cluster whose paths overlap this one's; undefined when
 * this cluster was created first among every cluster it overlaps (it keeps its paths).
 */
export function findZkPathConflict(
  cluster: AuroraCluster,
  peers: readonly AuroraCluster[],
): ZkPathConflict | undefined {
  const me = zkFootprintOf(cluster);
  const earlier = peers
    .map(peerFootprintOf)
    .filter((p) => keyOf(p) !== keyOf(me) && isCreatedBefore(p, me))
    .sort((a, b) => (isCreatedBefore(a, b) ? -1 : 1));
  for (const peer of earlier) {
    const overlap = overlappingPaths(me, peer);
    if (overlap) return { owner: { namespace: peer.namespace, name: peer.name }, ...overlap };
  }
  return undefined;
}

const REMEDY =
  'The operator runs no scheduler of this cluster (its StatefulSet is scaled to 0, PVCs are kept) and never ' +
  'initializes its log. Give this cluster its own spec.serversetPath and spec.replicatedLog.zkGroupPath (or ' +
  'another ZooKeeper ensemble); an AuroraRestore of it is refused meanwhile.';

export function describeZkPathConflict(conflict: ZkPathConflict): string {
  const { owner, mine, theirs } = conflict;
  const same = mine.path === theirs.path ? 'is the same node as' : 'is nested with';
  return (
    `ZooKeeper path conflict: this cluster's ${mine.role} path ${mine.path} ${same} the ${theirs.role} path ` +
    `${theirs.path} of AuroraCluster ${owner.namespace}/${owner.name}, created earlier on an overlapping ZooKeeper ` +
    `ensemble. Their schedulers would join one ${mine.role === theirs.role ? mine.role : 'group'} and corrupt ` +
    `both clusters. ${REMEDY}`
  );
}

/**
 * markerConflict: the log's initialization marker names another owner: another namespace/name, or the same
 * namespace/name in another Kubernetes cluster, possibly one the operator cannot see. The same namespace/name in
 * this Kubernetes cluster is the same owner re-created, which the log-init guard handles.
 */
export function markerConflict(cluster: AuroraCluster, evidence: LogInitEvidence): string | undefined {
  const { marker, markerPath, kubernetesCluster } = evidence;
  if (marker.kind !== 'present' || isSameOwner(marker.marker, cluster, kubernetesCluster)) return undefined;
  const m = marker.marker;
  const where = m.kubernetesCluster ? ` in Kubernetes cluster ${m.kubernetesCluster}` : '';
  const elsewhere =
    m.kubernetesCluster && kubernetesCluster && m.kubernetesCluster !== kubernetesCluster
      ? ` (this operator runs in Kubernetes cluster ${kubernetesCluster})`
      : '';
  return (
    `ZooKeeper path conflict: the marker ${markerPath} names AuroraCluster ${m.namespace}/${m.name}${where} ` +
    `(uid ${m.uid || 'unknown'}, ${m.state} at ${m.initializedAt ?? m.createdAt})${elsewhere} as the owner of ` +
    `the replicated log ${cluster.spec.replicatedLog.zkGroupPath}. ${REMEDY} Only if that cluster is gone for ` +
    `good and its log is not needed, delete the znode ${markerPath}.`
  );
}

/**
 * foreignMembers: who takes part in this cluster's ZooKeeper paths from an address that is no pod IP of it: the
 * serverset's member (host:port), a leader-election participant, a replica of the log group. A pod replaced a
 * moment ago may be listed until its ZooKeeper session expires.
 */
export function foreignMembers(
  observed: Pick<ObservedCluster, 'pods' | 'serverset' | 'participants'>,
): string[] {
  const ips = new Set(observed.pods.flatMap((p) => (p.podIP ? [p.podIP] : [])));
  const participants = observed.participants ?? { election: [], logGroup: [] };
  return [
    ...observed.serverset.members.filter((m) => !ips.has(m.host)).map((m) => `${m.host}:${m.port}`),
    ...participants.election.filter((p) => !ips.has(p.host)).map((p) => `${p.host} (leader election)`),
    ...participants.logGroup.filter((p) => !ips.has(p.host)).map((p) => `${p.data} (log group)`),
  ];
}
