// Volume growth: which scheduler PVCs must grow to the spec's sizes, and why a smaller size is refused. Pure.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { BACKUPS_VOLUME, LOG_VOLUME } from '../resources/names.ts';
import type { ObservedClaim, ObservedCluster } from './observed.ts';
import { parseQuantity } from './quantity.ts';

export interface VolumePlan {
  /** PVCs whose request is below the spec: the apply step patches each to `size` */
  expand: { claim: string; size: string }[];
  /** PVCs whose request already grew but whose capacity has not followed yet */
  resizing: string[];
  /** a spec size below a PVC's request: nothing is shrunk */
  shrink?: { reason: 'VolumeShrinkRefused'; message: string };
}

function specSize(cluster: AuroraCluster, volume: string): string | undefined {
  if (volume === LOG_VOLUME) return cluster.spec.replicatedLog.storage.size;
  if (volume === BACKUPS_VOLUME) return cluster.spec.backup.storage.size;
  return undefined;
}

function fieldOf(volume: string): string {
  return volume === LOG_VOLUME ? 'replicatedLog.storage.size' : 'backup.storage.size';
}

/** planVolumes compares the claims of live ordinals with the spec; retained claims of removed replicas wait. */
export function planVolumes(cluster: AuroraCluster, observed: ObservedCluster): VolumePlan {
  const live = observed.statefulSet.replicas ?? 0;
  const plan: VolumePlan = { expand: [], resizing: [] };
  const shrunk: string[] = [];
  const claims = (observed.claims ?? []).filter((c: ObservedClaim) => !c.deleting && c.ordinal < live);
  for (const claim of claims) {
    const want = specSize(cluster, claim.volume);
    const wanted = parseQuantity(want);
    const requested = parseQuantity(claim.requested);
    if (!want || wanted === undefined || requested === undefined) continue;
    if (wanted > requested) plan.expand.push({ claim: claim.name, size: want });
    else if (wanted < requested)
      shrunk.push(`${claim.name} requests ${claim.requested} > ${fieldOf(claim.volume)} ${want}`);
    else if ((parseQuantity(claim.capacity) ?? wanted) < wanted) plan.resizing.push(claim.name);
  }
  if (shrunk.length > 0) {
    plan.shrink = {
      reason: 'VolumeShrinkRefused',
      message:
        `A PersistentVolumeClaim cannot shrink: ${shrunk.join('; ')}. Set the size back to at least the ` +
        'current request; the volumes keep their size meanwhile.',
    };
  }
  return plan;
}
