// Starts shipping for an agent whose cluster has spec.backup.objectStore: the S3 store, the shipper and its loop.
import type { Logger } from '../log.ts';
import type { ShippingStatus } from './agent-api.ts';
import { BackupShipper } from './backup-shipper.ts';
import { startShipperLoop } from './backup-shipper-loop.ts';
import { createS3ShipperStore } from './backup-shipper-store.ts';
import { schedulerLeads } from './leader-check.ts';
import type { ShippingSettings } from './shipping-settings.ts';

export const SHIPPING_INTERVAL_MS = 30_000;
/** Aurora's last buffered bytes land right after its rename; two seconds of an unchanged file are ample */
export const SETTLE_MS = 2_000;

export interface RunningShipping {
  status: () => ShippingStatus;
  stop: () => Promise<void>;
}

export function startShipping(settings: ShippingSettings, backupDir: string, log: Logger): RunningShipping {
  const { store, sweep } = createS3ShipperStore(settings.store);
  const shipper = new BackupShipper({
    backupDir,
    store,
    retention: settings.retention,
    cluster: settings.cluster,
    auroraVersion: settings.auroraVersion,
    isLeader: () => schedulerLeads(settings.schedulerUrl),
    settleMs: SETTLE_MS,
    log,
  });
  const loop = startShipperLoop({
    shipper,
    backupDir,
    intervalMs: SHIPPING_INTERVAL_MS,
    settleMs: SETTLE_MS,
    sweep,
    log,
  });
  const { bucket, prefix, endpoint } = settings.store;
  log.info(
    { bucket, prefix, endpoint, retention: settings.retention },
    'Shipping backups to the object store',
  );
  return { status: () => shipper.status(), stop: () => loop.stop() };
}
