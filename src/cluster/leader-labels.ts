// Keeps the leader label on exactly the leading pod, so the client Service reaches only the leader.
import type { KubeClient } from '../k8s/kube-client.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import { LEADER_ROLE, ROLE_LABEL } from '../resources/names.ts';

export async function ensureLeaderLabels(
  kube: KubeClient,
  namespace: string,
  pods: readonly ObservedPod[],
  leader: string | undefined,
): Promise<void> {
  for (const pod of pods) {
    const want = pod.name === leader;
    const labelled = pod.labels[ROLE_LABEL] === LEADER_ROLE;
    if (want === labelled || pod.deleting) continue;
    await kube.mergePatch(
      { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.name },
      { metadata: { labels: { [ROLE_LABEL]: want ? LEADER_ROLE : null } } },
    );
  }
}
