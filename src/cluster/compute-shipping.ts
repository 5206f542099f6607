// What the cluster's status says about shipping, from what each replica's backup agent reports on GET /shipping:
// the newest shipped backup, the totals, the upload in flight, and the BackupsShipped condition (False when uploads
// fail, a local backup is unreadable, one upload has run longer than a backup interval, or the newest local backup
// is still not shipped two backup intervals after it was taken).
import type { ShippingStatus } from '../agent/agent-api.ts';
import type { ConditionBody } from '../api/conditions.ts';

export const BACKUPS_SHIPPED = 'BackupsShipped';

export interface ReplicaShipping {
  pod: string;
  shipping: ShippingStatus;
}

export interface ShippingSummary {
  newestShipped?: { name: string; at: string; size: number; tasks: number; replica: string };
  objects: number;
  bytes: number;
  uploadFailures: number;
  /** the longest-running upload in flight on any replica */
  uploading?: { name: string; size: number; since: string; replica: string };
}

export interface ShippingInput {
  /** agents that answered; an agent that ships nothing or does not answer is left out */
  replicas: readonly ReplicaShipping[];
  /** status.newestBackup: the newest backup on any replica's volume */
  newestLocal?: { name: string; takenAt?: string | undefined } | undefined;
  backupIntervalMs: number;
  now: Date;
}

export function computeShippingSummary(replicas: readonly ReplicaShipping[]): ShippingSummary {
  let newestShipped: ShippingSummary['newestShipped'];
  let freshest: ShippingStatus | undefined;
  let uploadFailures = 0;
  let uploading: ShippingSummary['uploading'];
  for (const { pod, shipping } of replicas) {
    const flight = shipping.uploading;
    if (flight && (!uploading || flight.since < uploading.since)) uploading = { ...flight, replica: pod };
    const last = shipping.lastShipped;
    // backup names sort by the time they were taken
    if (last && (!newestShipped || newestShipped.name < last.name)) newestShipped = { ...last, replica: pod };
    if (!freshest || (freshest.lastRoundAt ?? '') < (shipping.lastRoundAt ?? '')) freshest = shipping;
    uploadFailures += shipping.uploadFailures;
  }
  return {
    ...(newestShipped ? { newestShipped } : {}),
    objects: freshest?.objects ?? 0,
    bytes: freshest?.bytes ?? 0,
    uploadFailures,
    ...(uploading ? { uploading } : {}),
  };
}

// the store's answer names what to fix; the first that any replica reports wins, the ones a person must fix first
const FAILURE_REASONS: ReadonlyArray<[code: string, reason: string]> = [
  ['OBJECT_STORE_FORBIDDEN', 'StoreForbidden'],
  ['OBJECT_STORE_NO_SUCH_BUCKET', 'BucketMissing'],
  ['OBJECT_STORE_TLS', 'StoreTLSFailure'],
  ['OBJECT_STORE_FULL', 'StoreFull'],
  ['OBJECT_STORE_UNREACHABLE', 'StoreUnreachable'],
];

/** uploadFailureReason: the condition's reason for the replicas' last upload errors; UploadFailing for any other. */
export function uploadFailureReason(codes: readonly string[]): string {
  return FAILURE_REASONS.find(([code]) => codes.includes(code))?.[1] ?? 'UploadFailing';
}

/** computeShippedCondition is Unknown while no agent reports, so a restarting cluster does not alert. */
export function computeShippedCondition(input: ShippingInput): ConditionBody {
  const { replicas, newestLocal, backupIntervalMs, now } = input;
  if (replicas.length === 0) {
    return {
      status: 'Unknown',
      reason: 'AgentsUnreachable',
      message: 'No backup agent reported its shipping.',
    };
  }
  const failing = replicas.filter(
    (r) => r.shipping.lastError && r.shipping.lastError.code !== 'AGENT_BACKUP_UNREADABLE',
  );
  if (failing.length > 0) {
    const detail = failing.map(
      (r) => `${r.pod}: ${r.shipping.lastError?.code}: ${r.shipping.lastError?.message}`,
    );
    const reason = uploadFailureReason(failing.map((r) => r.shipping.lastError?.code ?? ''));
    return { status: 'False', reason, message: detail.join('; ').slice(0, 1000) };
  }
  const unreadable = replicas.flatMap((r) => r.shipping.unreadable.map((name) => `${r.pod}/${name}`));
  if (unreadable.length > 0) {
    return {
      status: 'False',
      reason: 'BackupUnreadable',
      message: `Not shipped, not a Snapshot Aurora could load: ${unreadable.join(', ')}`.slice(0, 1000),
    };
  }
  const summary = computeShippingSummary(replicas);
  const flight = summary.uploading;
  const flightMs = flight ? now.getTime() - Date.parse(flight.since) : NaN;
  if (flight && flightMs > backupIntervalMs) {
    return {
      status: 'False',
      reason: 'UploadSlow',
      message:
        `${flight.replica}: the upload of ${flight.name} (${flight.size} bytes) started ${flight.since} and has ` +
        'not finished within a backup interval; the store is slow or holds the request.',
    };
  }
  const shippedName = summary.newestShipped?.name;
  const takenAt = newestLocal?.takenAt === undefined ? NaN : Date.parse(newestLocal.takenAt);
  const pending = replicas.some((r) => r.shipping.pending > 0);
  const behind =
    newestLocal !== undefined &&
    pending &&
    (shippedName === undefined || shippedName < newestLocal.name) &&
    now.getTime() - takenAt > 2 * backupIntervalMs;
  if (behind) {
    return {
      status: 'False',
      reason: 'ShippingBehind',
      message: `The newest backup ${newestLocal.name} (taken ${newestLocal.takenAt}) is not shipped after two backup intervals.`,
    };
  }
  // the start time, not an age, so the message changes when an upload starts or ends and not on every pass
  const inFlight = flight ? ` Uploading ${flight.name} since ${flight.since} (${flight.replica}).` : '';
  return {
    status: 'True',
    reason: 'Shipped',
    message:
      (shippedName
        ? `Newest shipped backup: ${shippedName}; ${summary.objects} objects in the store.`
        : `Every local backup is in the store; ${summary.objects} objects.`) + inFlight,
  };
}
