// Reads the scheduler PVCs (log and backups) and the StatefulSet's claim templates: what volume growth and a
// scale-up over retained volumes decide on.
import type { V1PersistentVolumeClaim, V1StatefulSet } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { BACKUPS_VOLUME, LOG_VOLUME, statefulSetName } from '../resources/names.ts';
import type { ObservedClaim } from './observed.ts';

const quantityText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

/** observeClaims keeps this cluster's `log-` and `backups-` claims, by ordinal; other PVCs are ignored. */
export function observeClaims(
  cluster: AuroraCluster,
  pvcs: readonly V1PersistentVolumeClaim[],
): ObservedClaim[] {
  const sts = statefulSetName(cluster);
  const claims: ObservedClaim[] = [];
  for (const pvc of pvcs) {
    const name = pvc.metadata?.name ?? '';
    for (const volume of [LOG_VOLUME, BACKUPS_VOLUME]) {
      const prefix = `${volume}-${sts}-`;
      const ordinal = name.startsWith(prefix) ? name.slice(prefix.length) : '';
      if (!/^\d+$/.test(ordinal)) continue;
      const requested = quantityText(pvc.spec?.resources?.requests?.['storage']);
      const capacity = quantityText(pvc.status?.capacity?.['storage']);
      claims.push({
        name,
        volume,
        ordinal: Number(ordinal),
        ...(requested ? { requested } : {}),
        ...(capacity ? { capacity } : {}),
        deleting: Boolean(pvc.metadata?.deletionTimestamp),
      });
    }
  }
  return claims.sort((a, b) => a.ordinal - b.ordinal || a.volume.localeCompare(b.volume));
}

/** statefulSetClaimSizes: the storage each volumeClaimTemplate asks for; the template cannot change later. */
export function statefulSetClaimSizes(sts: V1StatefulSet): Record<string, string> {
  const sizes: Record<string, string> = {};
  for (const template of sts.spec?.volumeClaimTemplates ?? []) {
    const size = quantityText(template.spec?.resources?.requests?.['storage']);
    if (template.metadata?.name && size) sizes[template.metadata.name] = size;
  }
  return sizes;
}
