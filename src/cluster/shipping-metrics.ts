// Per-cluster shipping metrics (labels namespace, cluster) from the summary of what the backup agents report.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ShippingSummary } from './compute-shipping.ts';

export const SHIPPING_METRICS = {
  lastShipped: 'aurora_operator_backup_last_shipped_timestamp_seconds',
  uploadFailures: 'aurora_operator_backup_upload_failures_total',
  objects: 'aurora_operator_backup_objects',
  bytes: 'aurora_operator_backup_object_bytes',
} as const;

export interface ShippingMetrics {
  /** updates one cluster's series; undefined (cluster deleted or not shipping) removes them */
  update(namespace: string, cluster: string, summary: ShippingSummary | undefined): void;
}

export function createShippingMetrics(registry: Registry): ShippingMetrics {
  const labelNames = ['namespace', 'cluster'] as const;
  const lastShipped = new Gauge({
    name: SHIPPING_METRICS.lastShipped,
    help: 'When the newest backup of the cluster was shipped to its object store',
    labelNames,
    registers: [registry],
  });
  const uploadFailures = new Counter({
    name: SHIPPING_METRICS.uploadFailures,
    help: 'Failed uploads of backups to the object store, summed over the backup agents',
    labelNames,
    registers: [registry],
  });
  const objects = new Gauge({
    name: SHIPPING_METRICS.objects,
    help: 'Backup objects under the cluster prefix in the object store',
    labelNames,
    registers: [registry],
  });
  const bytes = new Gauge({
    name: SHIPPING_METRICS.bytes,
    help: 'Bytes of the backup objects under the cluster prefix in the object store',
    labelNames,
    registers: [registry],
  });
  // the agents' counters restart with them: only increases since the last look reach the counter
  const seenFailures = new Map<string, number>();
  return {
    update(namespace, cluster, summary) {
      const labels = { namespace, cluster };
      const key = `${namespace}/${cluster}`;
      if (!summary) {
        for (const metric of [lastShipped, uploadFailures, objects, bytes]) metric.remove(labels);
        seenFailures.delete(key);
        return;
      }
      const at = summary.newestShipped ? Date.parse(summary.newestShipped.at) : NaN;
      if (Number.isFinite(at)) lastShipped.set(labels, at / 1000);
      const before = seenFailures.get(key) ?? 0;
      uploadFailures.inc(labels, summary.uploadFailures > before ? summary.uploadFailures - before : 0);
      seenFailures.set(key, summary.uploadFailures);
      objects.set(labels, summary.objects);
      bytes.set(labels, summary.bytes);
    },
  };
}
