// Which addresses may receive the backup-agent token: pods the cluster's StatefulSet controls, at their own IPs.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';

/**
 * computeAgentHosts returns the IPs that pods controlled by this StatefulSet (owner UID, not labels, which anyone
 * who can create a pod can copy) report in their status; without a StatefulSet there is none.
 */
export function computeAgentHosts(
  statefulSet: V1StatefulSet | undefined,
  pods: readonly V1Pod[],
): Set<string> {
  const uid = statefulSet?.metadata?.uid;
  const namespace = statefulSet?.metadata?.namespace;
  const hosts = new Set<string>();
  if (!uid) return hosts;
  for (const pod of pods) {
    const owned = (pod.metadata?.ownerReferences ?? []).some(
      (ref) => ref.controller === true && ref.kind === 'StatefulSet' && ref.uid === uid,
    );
    const ip = pod.status?.podIP;
    if (owned && ip && pod.metadata?.namespace === namespace) hosts.add(ip);
  }
  return hosts;
}

/** agentHostGuard re-reads the caches on every call, so a pod deleted or re-addressed since loses the token. */
export function agentHostGuard(
  statefulSet: () => V1StatefulSet | undefined,
  pods: () => readonly V1Pod[],
): (host: string) => boolean {
  return (host) => computeAgentHosts(statefulSet(), pods()).has(host);
}
