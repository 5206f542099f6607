// Grows scheduler PVCs in place: a patch of spec.resources.requests.storage, which the API server admits only
// when the claim's StorageClass sets allowVolumeExpansion; its refusal is reported, not retried.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { apiErrorMessage, statusCodeOf } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import type { Problem } from './plan.ts';
import type { VolumePlan } from './plan-volumes.ts';

// Forbidden (no expansion in the StorageClass) and Invalid (e.g. an unbound claim) will not pass on a retry
const REFUSED = new Set([403, 422]);

/** ensureVolumesExpanded patches each claim the plan grows; undefined when every patch was admitted. */
export async function ensureVolumesExpanded(
  cluster: AuroraCluster,
  plan: VolumePlan,
  deps: { kube: KubeClient; log: Logger },
): Promise<Problem | undefined> {
  const refused: string[] = [];
  for (const { claim, size } of plan.expand) {
    const ref = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: cluster.metadata.namespace ?? 'default',
      name: claim,
    };
    try {
      await deps.kube.mergePatch(ref, { spec: { resources: { requests: { storage: size } } } });
      deps.log.info({ claim, size }, 'Requested a larger PersistentVolumeClaim');
    } catch (err) {
      if (!REFUSED.has(statusCodeOf(err) ?? 0)) throw err;
      refused.push(`${claim}: ${apiErrorMessage(err)}`);
    }
  }
  if (refused.length === 0) return undefined;
  return {
    reason: 'VolumeExpansionRefused',
    message:
      `The API server refused to grow ${refused.join('; ')}. A PVC grows in place only when its StorageClass ` +
      'sets allowVolumeExpansion: true; the volumes keep their size. Use such a class, or set the size back.',
  };
}
