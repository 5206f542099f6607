// Derives the whole AuroraCluster status from the spec, the previous status and one observation; no I/O.
import type { AuroraCluster, AuroraClusterStatus, ClusterPhase } from '../api/aurora-cluster.ts';
import type { RecentExit } from '../api/diagnostics-schema.ts';
import { quorumSize } from '../api/aurora-cluster.ts';
import { setCondition, type Condition, type ConditionInput } from '../api/conditions.ts';
import { findLeader, type LeaderView } from './leader.ts';
import type { ObservedCluster } from './observed.ts';
import type { LogInitRefusal } from './plan-log-init.ts';
import type { RolloutDecision } from './rollout.ts';
import { computeConditions } from './compute-conditions.ts';
import { diagnosticStatus } from '../diagnostics/diagnostic-status.ts';

export interface StatusInput {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  rollout: RolloutDecision;
  now: Date;
  lockedBy?: string | undefined;
  problem?: { reason: string; message: string } | undefined;
  /** why the log-init guard keeps the log uninitialized despite the status (durable evidence, unreadable marker) */
  logInitRefusal?: LogInitRefusal | undefined;
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
  if (input.lockedBy) return 'Restoring';
  if (input.observed.pods.length === 0) return 'Pending';
  if (is('Ready')) return 'Running';
  if (!initialized && !is('Degraded')) return 'Initializing';
  return 'Degraded';
}

function leaderFields(view: LeaderView): Pick<AuroraClusterStatus, 'leader' | 'leaderEndpoint'> {
  if (view.kind !== 'elected') return {};
  return { ...(view.pod ? { leader: view.pod.name } : {}), leaderEndpoint: view.endpoint };
}

export function computeStatus(input: StatusInput): AuroraClusterStatus {
  const { cluster, observed, now } = input;
  const previous = cluster.status ?? {};
  const quorum = quorumSize(cluster.spec.replicas);
  const recovered = observed.pods.filter((p) => p.probe?.logRecovered === true).length;
  const wasInitialized = previous.replicatedLog?.initialized === true;
  // the marker is set once a quorum reports an initialized log and is never cleared afterwards
  const initialized = wasInitialized || recovered >= quorum;
  // a refused re-creation is an existing cluster short of its quorum, not a new one being created
  const existing = initialized || input.logInitRefusal?.reason === 'InitializationRefused';
  const leader = findLeader(observed, cluster.spec.httpPort);
  const diagnostics = diagnosticStatus(input, leader.kind === 'elected' ? leader.pod?.name : undefined);
  const inputs: ConditionInput[] = computeConditions({
    ...input,
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
  // ObserverConfigured exists only while the spec configures an observer
  conditions = conditions.filter(
    (c) => c.type !== 'ObserverConfigured' || inputs.some((i) => i.type === c.type),
  );
  const pending = input.rollout.action === 'none' ? [] : input.rollout.pending;
  return {
    observedGeneration: cluster.metadata.generation ?? 0,
    phase: phaseOf(input, conditions, existing),
    replicas: observed.pods.length,
    readyReplicas: observed.pods.filter((p) => p.ready && p.probe?.healthy === true).length,
    ...leaderFields(leader),
    quorumSize: quorum,
    replicatedLog: initialized
      ? { initialized: true, initializedAt: previous.replicatedLog?.initializedAt ?? now.toISOString() }
      : { initialized: false },
    members: members(observed, diagnostics.recentExits),
    ...(previous.newestBackup ? { newestBackup: previous.newestBackup } : {}),
    ...(input.lockedBy
      ? { lock: { restore: input.lockedBy, since: previous.lock?.since ?? now.toISOString() } }
      : {}),
    rollout: {
      ...(observed.statefulSet.updateRevision ? { updateRevision: observed.statefulSet.updateRevision } : {}),
      pending,
    },
    ...diagnostics.status,
    conditions,
  };
}
