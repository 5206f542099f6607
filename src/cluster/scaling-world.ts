// What the scaling steps read of one pass: the StatefulSet's replicas and quorum, the pods, the leader, the log
// PVCs; and the checks every step re-verifies against them.
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';
import { LOG_QUORUM_ANNOTATION } from '../api/contracts.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import { LOG_VOLUME } from '../resources/names.ts';
import type { ObservedClaim, ObservedCluster } from './observed.ts';

export interface ScalingWorld {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  /** the elected leader's pod, undefined when no distinct leader */
  leader: ObservedPod | undefined;
  /** the change being carried out */
  from: number;
  to: number;
}

/** The StatefulSet's replica count (spec.replicas before it exists or while a restore scaled it to 0). */
export function stsReplicas(w: Pick<ScalingWorld, 'cluster' | 'observed'>): number {
  const r = w.observed.statefulSet.replicas;
  return r !== undefined && r > 0 ? r : w.cluster.spec.replicas;
}

/** The quorum the StatefulSet's template passes: its annotation, else the one its replica count implies. */
export function stsQuorum(w: Pick<ScalingWorld, 'cluster' | 'observed'>): number {
  const stamped = Number(w.observed.statefulSet.annotations?.[LOG_QUORUM_ANNOTATION]);
  return Number.isInteger(stamped) && stamped > 0 ? stamped : quorumSize(stsReplicas(w));
}

export function caughtUp(pod: ObservedPod): boolean {
  return pod.ready && pod.probe?.healthy === true && pod.probe.logRecovered === true;
}

export function livePods(w: Pick<ScalingWorld, 'observed'>): ObservedPod[] {
  return w.observed.pods.filter((p) => !p.deleting);
}

/**
 * settled: the StatefulSet controller acted on the latest template, exactly `replicas` pods run its revision and
 * every one is healthy with log/recovered=1. Every step's postcondition includes it, so none is inferred.
 */
export function settled(w: Pick<ScalingWorld, 'observed'>, replicas: number): boolean {
  const sts = w.observed.statefulSet;
  const current = sts.generation === undefined || (sts.observedGeneration ?? 0) >= sts.generation;
  const pods = w.observed.pods;
  return (
    current &&
    pods.length === replicas &&
    pods.every((p) => !p.deleting && p.revision === sts.updateRevision && caughtUp(p))
  );
}

/** behind: the live pods not yet healthy with log/recovered=1, by name. */
export function behind(w: Pick<ScalingWorld, 'observed'>): string[] {
  return livePods(w)
    .filter((p) => !caughtUp(p))
    .map((p) => p.name);
}

/** Retained log PVCs of ordinals at or above `from`: a stale log that must never rejoin the quorum. */
export function staleLogClaims(w: Pick<ScalingWorld, 'observed'>, from: number, to: number): ObservedClaim[] {
  return (w.observed.claims ?? []).filter(
    (c) => c.volume === LOG_VOLUME && c.ordinal >= from && c.ordinal < to,
  );
}

export function registeredCount(w: Pick<ScalingWorld, 'observed'>): number {
  return w.observed.pods.filter((p) => p.probe?.frameworkRegistered === true).length;
}
