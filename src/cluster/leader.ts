// Finds the leader: the single member_ node of the serverset, matched to the pod whose IP and HTTP port it advertises.
import type { ObservedPod } from '../k8s/observed-pod.ts';
import type { ObservedCluster } from './observed.ts';

export type LeaderView =
  | { kind: 'elected'; pod?: ObservedPod; endpoint: string }
  | { kind: 'none'; awaitingRegistration: ObservedPod[] }
  | { kind: 'several'; endpoints: string[] }
  | { kind: 'unknown'; error: string };

export function findLeader(observed: ObservedCluster, httpPort: number): LeaderView {
  const { members, error } = observed.serverset;
  if (error) return { kind: 'unknown', error };
  if (members.length > 1) return { kind: 'several', endpoints: members.map((m) => `${m.host}:${m.port}`) };
  const member = members[0];
  if (!member) {
    const awaitingRegistration = observed.pods.filter(
      (p) => p.probe?.lifecycle === 'LEADER_AWAITING_REGISTRATION',
    );
    return { kind: 'none', awaitingRegistration };
  }
  const pod = observed.pods.find((p) => p.podIP === member.host && member.port === httpPort);
  const endpoint = `${member.host}:${member.port}`;
  return pod ? { kind: 'elected', pod, endpoint } : { kind: 'elected', endpoint };
}
