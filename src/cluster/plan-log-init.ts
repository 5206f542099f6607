// Decides whether log-init may initialize the replicated log, from evidence that does not depend on the
// AuroraCluster object: the ZooKeeper marker and the log PVCs. Pure; the reconciler performs the writes it plans.
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';
import { LOG_INITIALIZED_ANNOTATION } from '../api/contracts.ts';
import type { InitMarker, MarkerRead } from '../aurora/init-marker-store.ts';
import type { ObservedCluster } from './observed.ts';

/** LogClaimView is one log PVC of the cluster, `log-<cluster>-<ordinal>`. */
export interface LogClaimView {
  name: string;
  ordinal: number;
  createdAt?: Date | undefined;
  /** the LOG_INITIALIZED_ANNOTATION value: this replica once reported an initialized log */
  initializedAt?: string | undefined;
  deleting: boolean;
}

export type MarkerObservation = MarkerRead | { kind: 'unreadable'; error: string };

export interface LogInitEvidence {
  markerPath: string;
  marker: MarkerObservation;
  claims: readonly LogClaimView[];
  /** the Kubernetes cluster this operator runs in; undefined when it cannot be known */
  kubernetesCluster?: string | undefined;
}

export interface LogInitInput {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  evidence: LogInitEvidence;
  now: Date;
  /** why this cluster may not use its ZooKeeper paths (ZooKeeperPathConflict): nothing is initialized or written */
  conflict?: string | undefined;
  /** serverset members that are not this cluster's pods, as host:port */
  foreignMembers?: readonly string[] | undefined;
}

export type LogInitRefusalReason =
  'InitializationRefused' | 'MarkerUnreadable' | 'ZooKeeperPathConflict' | 'ForeignMembers';

export interface LogInitRefusal {
  reason: LogInitRefusalReason;
  message: string;
}

export interface LogInitPlan {
  /** what the `allowed` switch may say; when claim is set, only once that claim succeeded */
  allowed: boolean;
  /** the marker to create (state initializing) before log-init is switched to allowed */
  claim?: InitMarker;
  /** the marker to write once a quorum reports an initialized log; version undefined means create */
  markInitialized?: { marker: InitMarker; version: number | undefined };
  /** log PVCs whose replica reports an initialized log and that lack the annotation; none while allowed */
  annotate: string[];
  /** set when the evidence, not the status, keeps the log from being initialized */
  refusal?: LogInitRefusal;
}

type MarkerOwner = Pick<InitMarker, 'namespace' | 'name' | 'uid' | 'kubernetesCluster'>;

function owner(cluster: AuroraCluster, kubernetesCluster: string | undefined): MarkerOwner {
  return {
    namespace: cluster.metadata.namespace ?? 'default',
    name: cluster.metadata.name,
    uid: cluster.metadata.uid ?? '',
    ...(kubernetesCluster ? { kubernetesCluster } : {}),
  };
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * isSameOwner: the marker names this namespace/name in this Kubernetes cluster. A marker or an operator that
 * does not know its Kubernetes cluster compares by namespace/name alone, as markers written before the field did.
 */
export function isSameOwner(
  marker: InitMarker,
  cluster: AuroraCluster,
  kubernetesCluster: string | undefined,
): boolean {
  const me = owner(cluster, kubernetesCluster);
  const sameKube =
    marker.kubernetesCluster === undefined ||
    me.kubernetesCluster === undefined ||
    marker.kubernetesCluster === me.kubernetesCluster;
  return marker.namespace === me.namespace && marker.name === me.name && sameKube;
}

/** isOwnClaim: this very incarnation claimed the path and has not seen the log initialized yet. */
function isOwnClaim(marker: MarkerObservation, cluster: AuroraCluster, kube: string | undefined): boolean {
  return (
    marker.kind === 'present' &&
    marker.marker.state === 'initializing' &&
    isSameOwner(marker.marker, cluster, kube) &&
    marker.marker.uid !== '' &&
    marker.marker.uid === cluster.metadata.uid
  );
}

function describeMarker(evidence: LogInitEvidence, cluster: AuroraCluster): string | undefined {
  const { markerPath: path, marker, kubernetesCluster: kube } = evidence;
  if (marker.kind === 'unparsable')
    return `ZooKeeper node ${path} exists but is not an operator marker (${marker.detail})`;
  if (marker.kind !== 'present' || isOwnClaim(marker, cluster, kube)) return undefined;
  const m = marker.marker;
  const where = m.kubernetesCluster ? ` in Kubernetes cluster ${m.kubernetesCluster}` : '';
  const who = isSameOwner(m, cluster, kube)
    ? `an earlier AuroraCluster ${m.namespace}/${m.name} (uid ${m.uid || 'unknown'})`
    : `another AuroraCluster, ${m.namespace}/${m.name}${where} (uid ${m.uid || 'unknown'})`;
  return m.state === 'initialized'
    ? `ZooKeeper marker ${path} records the log as initialized by ${who} at ${m.initializedAt ?? m.createdAt}`
    : `ZooKeeper marker ${path} was claimed for initialization by ${who} at ${m.createdAt}`;
}

function describeClaims(cluster: AuroraCluster, claims: readonly LogClaimView[]): string[] {
  const found: string[] = [];
  const annotated = claims.filter((c) => c.initializedAt !== undefined).map((c) => c.name);
  if (annotated.length) {
    found.push(
      `log PVC ${annotated.join(', ')} carries ${LOG_INITIALIZED_ANNOTATION} (its replica held the log)`,
    );
  }
  const born = timeOf(cluster.metadata['creationTimestamp']);
  const older = claims
    .filter((c) => born !== undefined && c.createdAt !== undefined && c.createdAt.getTime() < born)
    .map((c) => c.name);
  if (older.length) {
    found.push(`log PVC ${older.join(', ')} is older than this AuroraCluster (it survived a re-creation)`);
  }
  return found;
}

function refusalMessage(input: LogInitInput, evidence: string[], recovered: number, quorum: number): string {
  const { markerPath, claims } = input.evidence;
  const annotated = claims.filter((c) => c.initializedAt !== undefined).map((c) => c.name);
  const clearAnnotations = annotated.length
    ? ` and the annotation ${LOG_INITIALIZED_ANNOTATION} from ${annotated.join(', ')}`
    : '';
  return (
    `Replicated log initialization refused: ${recovered} of the ${quorum} replicas needed report an initialized ` +
    `log, and this cluster held data before: ${evidence.join('; ')}. The operator never initializes replicas of an ` +
    'existing cluster: EMPTY replicas catch up from a quorum that still holds the log. If fewer than a quorum ' +
    'hold the log, restore from a backup (AuroraRestore, strategy Offline). Only if you know this cluster never ' +
    `held data: delete the znode ${markerPath}${clearAnnotations}, and delete log PVCs older than the AuroraCluster.`
  );
}

function planMarkInitialized(input: LogInitInput): LogInitPlan['markInitialized'] {
  const { cluster, evidence, now } = input;
  const me = owner(cluster, evidence.kubernetesCluster);
  const at = now.toISOString();
  const marker = evidence.marker;
  if (marker.kind === 'absent') {
    return { marker: { ...me, createdAt: at, state: 'initialized', initializedAt: at }, version: undefined };
  }
  // a marker of another owner is left as it is; an unreadable one is retried on a later pass
  if (marker.kind !== 'present' || !isSameOwner(marker.marker, cluster, evidence.kubernetesCluster))
    return undefined;
  if (marker.marker.state === 'initialized') return undefined;
  return {
    marker: { ...marker.marker, ...me, state: 'initialized', initializedAt: at },
    version: marker.version,
  };
}

function claimsToAnnotate(input: LogInitInput): string[] {
  const recoveredOrdinals = new Set(
    input.observed.pods.filter((p) => p.probe?.logRecovered === true).map((p) => p.ordinal),
  );
  return input.evidence.claims
    .filter((c) => recoveredOrdinals.has(c.ordinal) && c.initializedAt === undefined && !c.deleting)
    .map((c) => c.name);
}

function foreignMembersMessage(cluster: AuroraCluster, foreign: readonly string[]): string {
  return (
    `Replicated log initialization held back: ${foreign.join(', ')} take part in the serverset ` +
    `${cluster.spec.serversetPath} or the log group ${cluster.spec.replicatedLog.zkGroupPath} but are not pods ` +
    'of this cluster, so another Aurora cluster or a scheduler started by hand may use the same ZooKeeper ' +
    'paths. The log is never initialized while such members exist. Give this cluster its own ' +
    'spec.serversetPath and spec.replicatedLog.zkGroupPath, or stop the other schedulers.'
  );
}

/**
 * planLogInit allows initialization only for a cluster that provably never held data: the status does not
 * record an initialized log, no marker of another incarnation exists, no log PVC carries evidence, and the
 * serverset lists no member of another cluster. An unreadable marker refuses too: without ZooKeeper the operator
 * cannot tell a new cluster from a wiped one. A cluster in a ZooKeeper path conflict plans nothing at all.
 */
export function planLogInit(input: LogInitInput): LogInitPlan {
  const { cluster, observed, evidence, now } = input;
  const quorum = quorumSize(cluster.spec.replicas);
  const recovered = observed.pods.filter((p) => p.probe?.logRecovered === true).length;
  const statusAllows = cluster.status?.replicatedLog?.initialized !== true && recovered < quorum;
  // a cluster in conflict writes no evidence either: the paths, and so the marker, may be another cluster's
  if (input.conflict !== undefined) {
    return {
      allowed: false,
      annotate: [],
      ...(statusAllows ? { refusal: { reason: 'ZooKeeperPathConflict', message: input.conflict } } : {}),
    };
  }
  const foreign = input.foreignMembers ?? [];
  const found = [describeMarker(evidence, cluster), ...describeClaims(cluster, evidence.claims)].filter(
    (e): e is string => e !== undefined,
  );
  const unreadable = evidence.marker.kind === 'unreadable' ? evidence.marker.error : undefined;
  const allowed = statusAllows && unreadable === undefined && found.length === 0 && foreign.length === 0;
  // while this incarnation may still initialize, a first recovered replica is no evidence against its own claim
  const plan: LogInitPlan = { allowed, annotate: allowed ? [] : claimsToAnnotate(input) };
  if (allowed && evidence.marker.kind === 'absent') {
    plan.claim = {
      ...owner(cluster, evidence.kubernetesCluster),
      createdAt: now.toISOString(),
      state: 'initializing',
    };
  }
  const mark = recovered >= quorum ? planMarkInitialized(input) : undefined;
  if (mark) plan.markInitialized = mark;
  if (statusAllows && found.length > 0) {
    plan.refusal = {
      reason: 'InitializationRefused',
      message: refusalMessage(input, found, recovered, quorum),
    };
  } else if (statusAllows && foreign.length > 0) {
    plan.refusal = { reason: 'ForeignMembers', message: foreignMembersMessage(cluster, foreign) };
  } else if (statusAllows && unreadable !== undefined) {
    plan.refusal = {
      reason: 'MarkerUnreadable',
      message:
        `Replicated log initialization held back: the operator cannot read its marker ${evidence.markerPath} in ` +
        `ZooKeeper (${unreadable}), so it cannot tell a new cluster from one that held data, and log-init stays ` +
        'disabled. Check spec.zookeeper.endpoints, the digest credentials Secret, and that the operator reaches ' +
        'ZooKeeper.',
    };
  }
  return plan;
}
