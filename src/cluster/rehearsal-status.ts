// What a finished rehearsal leaves in the status: BackupsVerified, status.backups.lastVerified or lastFailed, the
// failure counter, and an event for a failure the condition's transition does not already announce. Pure.
import type {
  AuroraCluster,
  RehearsalFailure,
  RehearsalStatus,
  RehearsedBackups,
} from '../api/aurora-cluster.ts';
import { formatAgeMs } from '../api/age.ts';
import type { ConditionInput } from '../api/conditions.ts';

export interface RehearsalResult {
  /** the rehearsal fields of status.backups after this pass */
  backups: Pick<RehearsedBackups, 'rehearsal' | 'lastVerified' | 'lastFailed' | 'verificationFailures'>;
  condition?: ConditionInput<'BackupsVerified'> | undefined;
  /** a Warning for a failure whose condition did not change (the transition's own event covers the rest) */
  event?: { reason: string; message: string } | undefined;
}

export interface RehearsalStatusInput {
  cluster: AuroraCluster;
  checkpoint: RehearsalStatus | undefined;
  finished: RehearsalStatus | undefined;
  now: Date;
}

function verifiedMessage(finished: RehearsalStatus, now: Date): string {
  const age = finished.takenAt
    ? `, taken ${formatAgeMs(now.getTime() - Date.parse(finished.takenAt))} before`
    : '';
  return (
    `Backup ${finished.backup}${age} was restored into an isolated throwaway scheduler: ` +
    `${finished.tasks ?? 0} tasks read back, the same ids and job keys as the backup.`
  );
}

export function computeRehearsalStatus(input: RehearsalStatusInput): RehearsalResult {
  const { cluster, checkpoint, finished, now } = input;
  const previous = cluster.status?.backups;
  const backups: RehearsalResult['backups'] = {
    ...(checkpoint ? { rehearsal: checkpoint } : {}),
    ...(previous?.lastVerified ? { lastVerified: previous.lastVerified } : {}),
    ...(previous?.lastFailed ? { lastFailed: previous.lastFailed } : {}),
    ...(previous?.verificationFailures !== undefined
      ? { verificationFailures: previous.verificationFailures }
      : {}),
  };
  const outcome = finished?.outcome;
  // an abandoned rehearsal (restore or scaling began) reports nothing
  if (!finished || !outcome) return { backups };
  const generation = cluster.metadata.generation ?? 0;
  const at = now.toISOString();
  const tasks = finished.tasks !== undefined ? { tasks: finished.tasks } : {};
  if (outcome.verified) {
    return {
      backups: { ...backups, lastVerified: { name: finished.backup, at, ...tasks } },
      condition: {
        type: 'BackupsVerified',
        status: 'True',
        reason: 'RehearsalSucceeded',
        message: verifiedMessage(finished, now),
        observedGeneration: generation,
      },
    };
  }
  const reason = outcome.reason as RehearsalFailure;
  const message = `Rehearsal restore of ${finished.backup} failed: ${outcome.message}.`;
  const before = cluster.status?.conditions?.find((c) => c.type === 'BackupsVerified');
  const unchanged = before?.status === 'False' && before.reason === reason;
  return {
    backups: {
      ...backups,
      lastFailed: { name: finished.backup, at, reason, ...tasks },
      verificationFailures: (previous?.verificationFailures ?? 0) + 1,
    },
    condition: { type: 'BackupsVerified', status: 'False', reason, message, observedGeneration: generation },
    ...(unchanged ? { event: { reason, message } } : {}),
  };
}
