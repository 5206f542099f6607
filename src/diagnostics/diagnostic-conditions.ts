// The symptom conditions added by the diagnostics, from the spec, the previous status and one observation.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { ClusterConditionType, ConditionBody } from '../api/conditions.ts';
import type { BackupsStatus, RecentExit } from '../api/diagnostics-schema.ts';
import { parseDuration } from '../api/duration.ts';
import type { ObservedCluster } from '../cluster/observed.ts';
import { backupsHealthy } from './backup-health.ts';
import { executorHealthy } from './executor-health.ts';
import { observerConfigured } from './observer-config.ts';
import { isPlannedExit } from './restart-history.ts';
import { schedulersStable } from './schedulers-stable.ts';

export const AURORA_DEFAULTS = { backupInterval: '1hrs', snapshotInterval: '1hrs', maxLeading: '1days' };

export interface DiagnosticFacts {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  recentExits: ReadonlyMap<string, readonly RecentExit[]>;
  backups: BackupsStatus | undefined;
  now: Date;
}

export function effectiveBackupIntervalMs(cluster: AuroraCluster): number {
  const backup = parseDuration(cluster.spec.backup.interval);
  const snapshot = parseDuration(
    cluster.spec.replicatedLog.snapshotInterval ?? AURORA_DEFAULTS.snapshotInterval,
  );
  return Math.max(backup, snapshot);
}

function exitContext(cluster: AuroraCluster, now: Date) {
  return {
    now,
    windowMs: parseDuration(cluster.spec.diagnostics.window),
    maxLeadingMs: parseDuration(cluster.spec.maxLeadingDuration ?? AURORA_DEFAULTS.maxLeading),
    lockSince: cluster.status?.lock?.since,
  };
}

export type SymptomConditions = Partial<Record<ClusterConditionType, ConditionBody>>;

export function diagnosticConditions(f: DiagnosticFacts): SymptomConditions {
  const { cluster, observed, now } = f;
  const window = cluster.spec.diagnostics.window;
  const leader = observed.pods.find((p) => p.name === f.backups?.leader);
  const parts: SymptomConditions = {
    SchedulersStable: schedulersStable(
      observed.pods.map((p) => ({
        name: p.name,
        restarts: p.restarts,
        waitingReason: p.waitingReason,
        lastExitPlanned: p.lastTermination
          ? isPlannedExit(p.lastTermination, exitContext(cluster, now))
          : undefined,
        recentExits: f.recentExits.get(p.name) ?? [],
      })),
      window,
    ),
    ExecutorHealthy: executorHealthy(observed.diagnostics?.tasks, now, parseDuration(window)),
    BackupsHealthy: backupsHealthy({
      status: f.backups,
      otherNewestAt: cluster.status?.newestBackup?.takenAt,
      effectiveIntervalMs: effectiveBackupIntervalMs(cluster),
      leaderUptimeSecs: leader?.probe?.uptimeSecs,
      now,
    }),
  };
  const observer = observerConfigured(cluster.spec);
  if (observer) parts.ObserverConfigured = observer;
  return parts;
}
