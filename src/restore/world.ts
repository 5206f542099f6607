// What one restore pass saw of the real world, and the pure predicates the step postconditions are built from.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestore } from '../api/aurora-restore.ts';
import type { BackupFile } from '../agent/agent-api.ts';
import type { LifecycleState } from '../aurora/scheduler-probe.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import type { SchedulerMode } from '../resources/scheduler-args.ts';
import { markerName, type RestoreAction } from '../resources/restore-config.ts';

// The pod facts the cluster reconciler observes too, plus what a restore reads from the backup agent and /vars.
export interface WorldPod extends Pick<
  ObservedPod,
  'name' | 'ordinal' | 'uid' | 'podIP' | 'phase' | 'ready' | 'deleting' | 'revision'
> {
  /** undefined when the pod's backup agent did not answer */
  markers?: string[];
  backups?: BackupFile[];
  healthy?: boolean;
  lifecycle?: LifecycleState;
  frameworkRegistered?: boolean;
  /** the replica's log/recovered metric: its log caught up with a quorum */
  logRecovered?: boolean;
  /** the log-init container failed and is being retried: restarts and the last exit code */
  logInitFailures?: { restarts: number; exitCode?: number };
}

export interface WorldStatefulSet {
  exists: boolean;
  replicas?: number;
  mode?: SchedulerMode;
  /** the controller has seen the latest spec, so updateRevision is current */
  synced: boolean;
  updateRevision?: string;
}

export interface WorldRestoreConfig {
  restoreId: string;
  action: string;
}

/** The leader's staged recovery as queryRecovery reports it. */
export type StagedState =
  | { kind: 'staged'; taskIds: string[]; jobKeys: string[] }
  | { kind: 'none' }
  | { kind: 'unknown'; reason: string };

/** What the schedulers' storage holds, read from a scheduler whose storage is READY. */
export type StoredState =
  { kind: 'tasks'; pod: string; taskIds: string[] } | { kind: 'unknown'; reason: string };

export interface World {
  cluster?: AuroraCluster;
  clusterReady: boolean;
  lockHolder?: string;
  statefulSet: WorldStatefulSet;
  pods: WorldPod[];
  restoreConfig?: WorldRestoreConfig;
  networkPolicy: boolean;
  staged?: StagedState;
  /** observed once a commit was requested, to prove what the log holds */
  stored?: StoredState;
  /** the AuroraRestore the cluster controller last acknowledged as holding the lock */
  lockAcknowledged?: string;
}

export interface Situation {
  restore: AuroraRestore;
  world: World;
}

export const restoreIdOf = (r: AuroraRestore): string => r.metadata.uid ?? r.metadata.name;

export function heldByUs(s: Situation): boolean {
  return s.world.lockHolder === s.restore.metadata.name;
}

export function desiredReplicas(s: Situation): number {
  return s.world.cluster?.spec.replicas ?? 0;
}

export function hasMarker(pod: WorldPod, s: Situation, action: RestoreAction): boolean {
  return pod.markers?.includes(markerName(restoreIdOf(s.restore), action)) ?? false;
}

export function wasWiped(pod: WorldPod, s: Situation): boolean {
  return hasMarker(pod, s, 'wipe') || hasMarker(pod, s, 'wipe-and-recover');
}

export function ourConfig(s: Situation): WorldRestoreConfig | undefined {
  const cfg = s.world.restoreConfig;
  return cfg && cfg.restoreId === restoreIdOf(s.restore) ? cfg : undefined;
}

export function livePods(s: Situation): WorldPod[] {
  return s.world.pods.filter((p) => !p.deleting);
}

/** allRunning: exactly n pods, none going away, every one Running with its agent answering. */
export function allRunning(s: Situation, n: number): boolean {
  const pods = livePods(s);
  return (
    s.world.pods.length === n && pods.length === n && pods.every((p) => p.phase === 'Running' && p.markers)
  );
}

export function stsIs(s: Situation, mode: SchedulerMode, replicas: number): boolean {
  const sts = s.world.statefulSet;
  return sts.exists && sts.synced && sts.mode === mode && sts.replicas === replicas;
}

export function awaitingLeader(s: Situation): WorldPod | undefined {
  return livePods(s).find((p) => p.lifecycle === 'LEADER_AWAITING_REGISTRATION');
}
