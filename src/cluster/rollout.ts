// Picks the next scheduler to restart onto a new StatefulSet revision: one at a time, followers before the leader,
// and only while every replica is healthy and caught up, so a log quorum always remains.
import type { ObservedPod } from '../k8s/observed-pod.ts';

export type RolloutDecision =
  | { action: 'none' }
  | { action: 'wait'; reason: string; pending: string[] }
  | { action: 'restart'; pod: string; uid: string; pending: string[] };

function caughtUp(pod: ObservedPod): boolean {
  return pod.ready && pod.probe?.healthy === true && pod.probe.logRecovered === true;
}

export function decideRollout(
  pods: readonly ObservedPod[],
  updateRevision: string | undefined,
  replicas: number,
  leader: string | undefined,
): RolloutDecision {
  if (!updateRevision) return { action: 'none' };
  const outdated = pods.filter((p) => p.revision !== undefined && p.revision !== updateRevision);
  if (outdated.length === 0) return { action: 'none' };
  const pending = outdated.map((p) => p.name);
  if (pods.length < replicas || pods.some((p) => p.deleting)) {
    return { action: 'wait', reason: 'a scheduler pod is being replaced', pending };
  }
  const behind = pods.filter((p) => !caughtUp(p));
  if (behind.length > 0) {
    return {
      action: 'wait',
      reason: `waiting for ${behind.map((p) => p.name).join(', ')} to be healthy with log/recovered=1`,
      pending,
    };
  }
  const followers = outdated.filter((p) => p.name !== leader).sort((a, b) => b.ordinal - a.ordinal);
  const next = followers[0] ?? outdated[0];
  if (!next) return { action: 'none' };
  return { action: 'restart', pod: next.name, uid: next.uid, pending };
}
