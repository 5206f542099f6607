// Derives the whole AuroraCluster status from the spec, the previous status and one observation; no I/O.
import type { AuroraCluster, AuroraClusterStatus, ClusterPhase } from '../api/aurora-cluster.ts';
import type { RecentExit } from '../api/diagnostics-schema.ts';
import { setCondition, type Condition, type ConditionInput } from '../api/conditions.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';
import type { LeaderView } from './leader.ts';
import type { ObservedCluster } from './observed.ts';
import type { ClusterPlan } from './plan.ts';
import { computeConditions } from './compute-conditions.ts';
import { bootstrapFacts, computeBootstrapStatus } from './plan-bootstrap.ts';
import { diagnosticStatus } from '../diagnostics/diagnostic-status.ts';
import type { RehearsalResult } from './rehearsal-status.ts';
import type { RehearsedBackups } from '../api/aurora-cluster-status.ts';
import { effectiveBackupIntervalMs } from '../diagnostics/diagnostic-conditions.ts';
import {
  BACKUPS_SHIPPED,
  computeShippedCondition,
  computeShippingSummary,
  type ReplicaShipping,
} from './compute-shipping.ts';

/** The status is computed from one observation and the plan made from it; it derives nothing the plan decided. */
export interface StatusInput {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  plan: ClusterPlan;
  now: Date;
  newestBackup?: NewestBackup | undefined;
  /** the rehearsal restore's status fields and, when one finished, its BackupsVerified */
  rehearsal?: RehearsalResult | undefined;
  /** the API server refused to grow a PVC this pass */
  volumeRefusal?: { reason: string; message: string } | undefined;
}

function members(
  observed: ObservedCluster,
  recentExits: ReadonlyMap<string, readonly RecentExit[]>,
): NonNullable<AuroraClusterStatus['members']> {
  return observed.pods.map((p) => ({
    name: p.name,
    ...(p.podIP ? { podIP: p.podIP } : {}),
    ...(p.probe?.lifecycle ? { lifecycle: p.probe.lifecycle } : {}),
    ...(p.probe?.frameworkRegistered !== undefined
      ? { frameworkRegistered: p.probe.frameworkRegistered }
      : {}),
    ...(p.probe?.logRecovered !== undefined ? { logRecovered: p.probe.logRecovered } : {}),
    healthy: p.probe?.healthy === true,
    restarts: p.restarts,
    ...(p.revision ? { revision: p.revision } : {}),
    ready: p.ready,
    ...(recentExits.get(p.name)?.length ? { recentExits: [...(recentExits.get(p.name) ?? [])] } : {}),
  }));
}

function phaseOf(input: StatusInput, conditions: readonly Condition[], initialized: boolean): ClusterPhase {
  const is = (type: string): boolean => conditions.find((c) => c.type === type)?.status === 'True';
  if (input.cluster.spec.paused) return 'Paused';
  if (input.plan.lockedBy) return 'Restoring';
  if (input.plan.conflict) return 'Degraded';
  if (input.observed.pods.length === 0) return 'Pending';
  if (is('Ready')) return 'Running';
  if (!initialized && !is('Degraded')) return 'Initializing';
  return 'Degraded';
}

function leaderFields(view: LeaderView): Pick<AuroraClusterStatus, 'leader' | 'leaderEndpoint'> {
  if (view.kind !== 'elected') return {};
  return { ...(view.pod ? { leader: view.pod.name } : {}), leaderEndpoint: view.endpoint };
}

/** withRehearsal replaces the rehearsal fields the diagnostics carried over from the previous status. */
function withRehearsal(
  backups: AuroraClusterStatus['backups'],
  rehearsal: RehearsalResult | undefined,
): Pick<AuroraClusterStatus, 'backups'> {
  if (!rehearsal) return backups ? { backups } : {};
  const {
    rehearsal: _r,
    lastVerified: _v,
    lastFailed: _f,
    verificationFailures: _n,
    ...signals
  } = backups ?? {};
  const merged = { ...signals, ...rehearsal.backups };
  return Object.keys(merged).length > 0 ? { backups: merged } : {};
}

/** withShipping sets the shipped fields from the agents; while none answers it keeps what the last pass saw. */
function withShipping(
  backups: AuroraClusterStatus['backups'],
  shipping: readonly ReplicaShipping[] | undefined,
): Pick<AuroraClusterStatus, 'backups'> {
  // an upload in flight is only what agents say now: none answering shows none
  const { newestShipped, shippedObjects, shippedBytes, uploading: _uploading, ...rest } = backups ?? {};
  let shipped: Partial<RehearsedBackups> = {};
  if (shipping && shipping.length === 0) {
    shipped = {
      ...(newestShipped ? { newestShipped } : {}),
      ...(shippedObjects !== undefined ? { shippedObjects } : {}),
      ...(shippedBytes !== undefined ? { shippedBytes } : {}),
    };
  } else if (shipping) {
    const summary = computeShippingSummary(shipping);
    // an agent knows only what it shipped since it started: a restart must not forget the newest object
    const newest =
      newestShipped && (!summary.newestShipped || summary.newestShipped.name <= newestShipped.name)
        ? newestShipped
        : summary.newestShipped;
    shipped = {
      ...(newest ? { newestShipped: newest } : {}),
      shippedObjects: summary.objects,
      shippedBytes: summary.bytes,
      ...(summary.uploading ? { uploading: summary.uploading } : {}),
    };
  }
  const merged = { ...rest, ...shipped };
  return Object.keys(merged).length > 0 ? { backups: merged } : {};
}

export function computeStatus(input: StatusInput): AuroraClusterStatus {
  const { cluster, observed, now, plan } = input;
  const previous = cluster.status ?? {};
  const { quorum, recovered, initialized, leader, lockedBy } = plan;
  // a refused re-creation is an existing cluster short of its quorum, not a new one being created
  const existing = initialized || plan.logInit.refusal?.reason === 'InitializationRefused';
  const diagnostics = diagnosticStatus(
    { cluster, observed, now, lockedBy },
    leader.kind === 'elected' ? leader.pod?.name : undefined,
  );
  const boot = bootstrapFacts(plan.bootstrap);
  const inputs: ConditionInput[] = computeConditions({
    cluster,
    observed,
    now,
    rollout: plan.rollout,
    lockedBy,
    problem: plan.refusal ?? boot.problem ?? input.volumeRefusal,
    bootstrap: boot.progress ?? boot.problem,
    scaling: plan.scaling.progress,
    foreignMembers: plan.foreignMembers,
    logInitRefusal: plan.logInit.refusal,
    quorum,
    recovered,
    initialized: existing,
    leader,
    recentExits: diagnostics.recentExits,
    backups: diagnostics.status.backups,
  });
  let conditions: Condition[] = [...(previous.conditions ?? [])];
  for (const next of inputs) {
    conditions = setCondition(
      conditions,
      { ...next, observedGeneration: cluster.metadata.generation ?? 0 },
      now,
    );
  }
  const verified = input.rehearsal?.condition;
  if (verified) conditions = setCondition(conditions, verified, now);
  const shipping = observed.shipping;
  if (shipping) {
    const shipped = computeShippedCondition({
      replicas: shipping,
      newestLocal: input.newestBackup ?? previous.newestBackup,
      backupIntervalMs: effectiveBackupIntervalMs(cluster),
      now,
    });
    conditions = setCondition(
      conditions,
      { type: BACKUPS_SHIPPED, ...shipped, observedGeneration: cluster.metadata.generation ?? 0 },
      now,
    );
  }
  // ObserverConfigured exists only while the spec configures an observer, BackupsVerified while rehearsals run
  conditions = conditions.filter(
    (c) =>
      (c.type !== 'ObserverConfigured' || inputs.some((i) => i.type === c.type)) &&
      (c.type !== 'BackupsVerified' || cluster.spec.backup.verify.enabled) &&
      (c.type !== BACKUPS_SHIPPED || shipping !== undefined),
  );
  const pending = plan.rollout.action === 'none' ? [] : plan.rollout.pending;
  const bootstrap = computeBootstrapStatus(plan.bootstrap, previous.bootstrap, now);
  return {
    observedGeneration: cluster.metadata.generation ?? 0,
    phase: phaseOf(input, conditions, existing),
    replicas: observed.pods.length,
    readyReplicas: observed.pods.filter((p) => p.ready && p.probe?.healthy === true).length,
    ...leaderFields(leader),
    quorumSize: plan.scaling.target.quorum,
    ...(plan.scaling.checkpoint ? { scaling: plan.scaling.checkpoint } : {}),
    replicatedLog: initialized
      ? { initialized: true, initializedAt: previous.replicatedLog?.initializedAt ?? now.toISOString() }
      : { initialized: false },
    members: members(observed, diagnostics.recentExits),
    ...(input.newestBackup || previous.newestBackup
      ? { newestBackup: input.newestBackup ?? previous.newestBackup }
      : {}),
    ...(lockedBy ? { lock: { restore: lockedBy, since: previous.lock?.since ?? now.toISOString() } } : {}),
    rollout: {
      ...(observed.statefulSet.updateRevision ? { updateRevision: observed.statefulSet.updateRevision } : {}),
      pending,
    },
    ...diagnostics.status,
    ...withShipping(withRehearsal(diagnostics.status.backups, input.rehearsal).backups, shipping),
    ...(bootstrap ? { bootstrap } : {}),
    conditions,
  };
}
