// Status fields the diagnostics keep between passes: recent exits, backup bookkeeping, leader changes and the
// observer flags; computed from the previous status and one observation, without I/O.
import type { AuroraCluster, AuroraClusterStatus } from '../api/aurora-cluster.ts';
import type { RecentExit } from '../api/diagnostics-schema.ts';
import { parseDuration } from '../api/duration.ts';
import type { ObservedCluster } from '../cluster/observed.ts';
import { nextBackupsStatus, schedulerTimeZone } from './backup-health.ts';
import { AURORA_DEFAULTS } from './diagnostic-conditions.ts';
import { observerArgs } from './observer-config.ts';
import { updateRecentExits } from './restart-history.ts';

export interface DiagnosticStatus {
  recentExits: Map<string, RecentExit[]>;
  status: Pick<AuroraClusterStatus, 'leaderChanges' | 'backups' | 'thermosObserver'>;
}

/** The part of the cluster's status input the diagnostics read. */
export interface DiagnosticInput {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  now: Date;
  lockedBy?: string | undefined;
}

export function diagnosticStatus(input: DiagnosticInput, leaderPod: string | undefined): DiagnosticStatus {
  const { cluster, observed, now } = input;
  const previous = cluster.status ?? {};
  const ctx = {
    now,
    windowMs: parseDuration(cluster.spec.diagnostics.window),
    maxLeadingMs: parseDuration(cluster.spec.maxLeadingDuration ?? AURORA_DEFAULTS.maxLeading),
    lockSince: input.lockedBy ? (previous.lock?.since ?? now.toISOString()) : previous.lock?.since,
  };
  const recentExits = new Map(
    observed.pods.map((p) => [
      p.name,
      updateRecentExits(
        previous.members?.find((m) => m.name === p.name)?.recentExits,
        p.lastTermination,
        ctx,
      ),
    ]),
  );
  // counters are read from the scheduler that leads and is ACTIVE, the only one that runs backups
  const active = observed.pods.find(
    (p) => p.probe?.leaderHealth === 'leading' && p.probe.lifecycle === 'ACTIVE',
  );
  const backups = nextBackupsStatus(
    previous.backups,
    active && {
      pod: active.name,
      uid: active.uid,
      successTotal: active.probe?.backupSuccess,
      failedTotal: active.probe?.backupFailed,
      names: observed.diagnostics?.backups?.error ? undefined : observed.diagnostics?.backups?.names,
    },
    now,
    schedulerTimeZone(cluster.spec.jvm.options),
  );
  // a pass without a leader clears status.leader, so re-elections after a failover count too
  const changed = leaderPod !== undefined && previous.leader !== leaderPod;
  const leaderChanges = (previous.leaderChanges ?? 0) + (changed ? 1 : 0);
  const observer = observerArgs(cluster.spec);
  return {
    recentExits,
    status: {
      leaderChanges,
      ...(backups ? { backups } : {}),
      ...(observer ? { thermosObserver: observer } : {}),
    },
  };
}
