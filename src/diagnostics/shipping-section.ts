// The object-store part of the `diagnose` report: where backups go, the newest shipped one, the store's totals and
// BackupsShipped with the agents' last error (its message), all read from the cluster's spec and status.
import type { AuroraClusterSpec, AuroraClusterStatus } from '../api/aurora-cluster.ts';
import { formatAgeMs } from '../api/age.ts';
import { defaultObjectStorePrefix } from '../api/object-store-env.ts';

export interface ShippingSectionInput {
  namespace: string;
  name: string;
  spec?: Partial<AuroraClusterSpec> | undefined;
  status: AuroraClusterStatus | undefined;
  now: Date;
}

/** buildShippingSection is empty for a cluster without spec.backup.objectStore. */
export function buildShippingSection(input: ShippingSectionInput): string[] {
  const store = input.spec?.backup?.objectStore;
  if (!store) return [];
  const prefix = store.prefix ?? defaultObjectStorePrefix(input.namespace, input.name);
  const where = `s3://${store.bucket}/${prefix}${store.endpoint ? ` at ${store.endpoint}` : ''}`;
  const backups = input.status?.backups;
  const newest = backups?.newestShipped;
  const age = newest ? input.now.getTime() - Date.parse(newest.at) : NaN;
  const lines = [`Object store: ${where}`];
  lines.push(
    newest
      ? `  newest shipped: ${newest.name} (${newest.size} bytes` +
          `${newest.tasks !== undefined ? `, ${newest.tasks} tasks` : ''}), uploaded ${newest.at}` +
          `${Number.isFinite(age) ? ` (${formatAgeMs(Math.max(0, age))} ago)` : ''} by ${newest.replica}`
      : '  newest shipped: none seen',
  );
  const flight = backups?.uploading;
  if (flight) {
    const running = input.now.getTime() - Date.parse(flight.since);
    lines.push(
      `  uploading: ${flight.name} (${flight.size} bytes) since ${flight.since}` +
        `${Number.isFinite(running) ? ` (${formatAgeMs(Math.max(0, running))})` : ''} by ${flight.replica}`,
    );
  }
  if (backups?.shippedObjects !== undefined)
    lines.push(`  objects: ${backups.shippedObjects} (${backups.shippedBytes ?? 0} bytes)`);
  const shipped = input.status?.conditions?.find((c) => c.type === 'BackupsShipped');
  lines.push(
    shipped
      ? `  BackupsShipped=${shipped.status} ${shipped.reason}: ${shipped.message}`
      : '  BackupsShipped not reported yet',
  );
  return lines;
}
