// The pure decisions of one AuroraCluster pass: whether it may write, refusals (a ZooKeeper path conflict first),
// the lock, log-init, the leader, the log's initialization and the next restart. Status and apply both follow
// this plan; nothing is derived twice.
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';
import { findLeader, type LeaderView } from './leader.ts';
import { planLockRelease } from './lock-guard.ts';
import type { ObservedCluster } from './observed.ts';
import { planBootstrap, type BootstrapPlan, type BootstrapRestoreView } from './plan-bootstrap.ts';
import { planLogInit, type LogInitEvidence, type LogInitPlan } from './plan-log-init.ts';
import {
  describeZkPathConflict,
  findZkPathConflict,
  foreignMembers,
  markerConflict,
  ZK_PATH_CONFLICT,
} from './plan-conflicts.ts';
import { planScaling, type ScalingPlan } from './plan-scaling.ts';
import { planVolumes, type VolumePlan } from './plan-volumes.ts';
import { decideRollout, type RolloutDecision } from './rollout.ts';

/** Everything one pass read: the pods and Aurora signals, the log-init evidence, the lock holder, backups. */
export interface ClusterObservation {
  observed: ObservedCluster;
  evidence: LogInitEvidence;
  /** the AuroraRestore named by the lock, read from the API server; restore undefined when it does not exist */
  lockHolder?: { name: string; restore: unknown };
  newestBackup?: NewestBackup | undefined;
  /** the other AuroraClusters the operator sees (informer cache), for ZooKeeper path conflicts */
  peers?: readonly AuroraCluster[];
  /** the cluster's bootstrap AuroraRestore while spec.bootstrap is not done; undefined when it does not exist */
  bootstrapRestore?: BootstrapRestoreView | undefined;
}

export interface Problem {
  reason: string;
  message: string;
}

export interface ClusterPlan {
  lockedBy: string | undefined;
  /** why the lock is dangling: apply releases it and the pass ends */
  releaseLock: string | undefined;
  refusal: Problem | undefined;
  /** another cluster owns this cluster's ZooKeeper paths: it runs no scheduler (also part of refusal) */
  conflict: Problem | undefined;
  /** the pass may write the cluster's objects (unlocked and not refused) */
  writes: boolean;
  /** the only write of a cluster in conflict: its StatefulSet to 0 replicas, pinned to the observed version */
  scaleToZero: boolean;
  /** serverset members that are not pods of this cluster, as host:port */
  foreignMembers: string[];
  logInit: LogInitPlan;
  leader: LeaderView;
  quorum: number;
  recovered: number;
  /** the log was initialized: the status recorded it or a quorum reports a recovered log */
  initialized: boolean;
  rollout: RolloutDecision;
  /** a replica-count change: the StatefulSet's replicas and quorum this pass, and its checkpoint */
  scaling: ScalingPlan;
  volumes: VolumePlan;
  bootstrap: BootstrapPlan;
}

/** planConflict: a cluster created earlier, or the log's marker, claims this cluster's ZooKeeper paths. */
function planConflict(cluster: AuroraCluster, obs: ClusterObservation): Problem | undefined {
  const visible = findZkPathConflict(cluster, obs.peers ?? []);
  const message = visible ? describeZkPathConflict(visible) : markerConflict(cluster, obs.evidence);
  return message === undefined ? undefined : { reason: ZK_PATH_CONFLICT, message };
}

export function planCluster(cluster: AuroraCluster, obs: ClusterObservation, now: Date): ClusterPlan {
  const { observed } = obs;
  const lockedBy = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
  const releaseLock =
    lockedBy && obs.lockHolder?.name === lockedBy ? planLockRelease(obs.lockHolder.restore) : undefined;
  const conflict = planConflict(cluster, obs);
  const volumes = planVolumes(cluster, observed);
  const refusal = conflict ?? (lockedBy ? undefined : volumes.shrink);
  const quorum = quorumSize(cluster.spec.replicas);
  const recovered = observed.pods.filter((p) => p.probe?.logRecovered === true).length;
  // the status marker is set once a quorum reports an initialized log and is never cleared afterwards
  const initialized = cluster.status?.replicatedLog?.initialized === true || recovered >= quorum;
  const leader = findLeader(observed, cluster.spec.httpPort);
  const leaderPod = leader.kind === 'elected' ? leader.pod?.name : undefined;
  const writes = !lockedBy && !conflict;
  const foreign = foreignMembers(observed);
  const scaling = planScaling({
    cluster,
    observed,
    leader: leader.kind === 'elected' ? leader.pod : undefined,
    blockedBy: lockedBy ? `AuroraRestore ${lockedBy} holds the lock` : conflict?.message,
    now,
  });
  const logInit = planLogInit({
    cluster,
    observed,
    evidence: obs.evidence,
    now,
    conflict: conflict?.message,
    foreignMembers: foreign,
  });
  return {
    lockedBy,
    releaseLock,
    refusal,
    conflict,
    writes,
    scaleToZero:
      conflict !== undefined &&
      !lockedBy &&
      observed.statefulSet.exists &&
      observed.statefulSet.replicas !== 0,
    foreignMembers: foreign,
    logInit,
    leader,
    quorum,
    recovered,
    initialized,
    rollout: writes
      ? decideRollout(observed.pods, observed.statefulSet.updateRevision, scaling.target.replicas, leaderPod)
      : { action: 'none' },
    scaling,
    volumes,
    bootstrap: planBootstrap({ cluster, restore: obs.bootstrapRestore, logInit, initialized }),
  };
}
