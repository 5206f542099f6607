// Per-cluster Prometheus metrics (labels namespace, cluster), derived from each AuroraCluster's status as the
// informer delivers it, so they match what kubectl shows.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuroraClusterStatus } from '../api/aurora-cluster.ts';
import type { ClusterConditionType } from '../api/conditions.ts';
import { newestBackupAgeSecs } from './backup-health.ts';

type Labels = 'namespace' | 'cluster';

export interface ClusterMetrics {
  /** Updates every series of one cluster from its status; a deleted cluster (status undefined) is removed. */
  update(namespace: string, cluster: string, status: AuroraClusterStatus | undefined): void;
  /** For the restore controller: the phase of the AuroraRestore acting on a cluster, or undefined when none. */
  setRestorePhase(namespace: string, cluster: string, phase: string | undefined): void;
}

export function createClusterMetrics(registry: Registry, now: () => Date = () => new Date()): ClusterMetrics {
  const statuses = new Map<string, { namespace: string; cluster: string; status: AuroraClusterStatus }>();
  const seenChanges = new Map<string, number>();
  const pods = new Map<string, string[]>();
  const conditions = new Map<string, Array<Record<string, string>>>();
  const restorePhases = new Map<string, string>();
  const opts = (name: string, help: string, extra: string[] = []) => ({
    name,
    help,
    labelNames: ['namespace', 'cluster', ...extra] as Labels[],
    registers: [registry],
  });
  const ready = new Gauge(opts('aurora_cluster_ready', '1 when the Ready condition is True'));
  const logInitialized = new Gauge(
    opts('aurora_cluster_log_initialized', '1 once the replicated log was initialized for the cluster'),
  );
  const registered = new Gauge(
    opts('aurora_cluster_framework_registered', 'Sum of framework_registered over the schedulers; must be 1'),
  );
  const replicas = new Gauge(
    opts('aurora_cluster_ready_replicas', 'Scheduler pods that are Ready and healthy'),
  );
  const leaderChanges = new Counter(
    opts(
      'aurora_cluster_leader_changes_total',
      'Leader elections seen by the operator (status.leaderChanges)',
    ),
  );
  const restarts = new Gauge({
    ...opts('aurora_cluster_replica_restarts', 'Restart count of each scheduler container'),
    labelNames: ['namespace', 'cluster', 'pod'] as const,
  });
  const condition = new Gauge({
    ...opts('aurora_cluster_condition', '1 for the current status and reason of each condition'),
    labelNames: ['namespace', 'cluster', 'type', 'status', 'reason'] as const,
  });
  const restorePhase = new Gauge({
    ...opts('aurora_cluster_restore_phase', '1 for the phase of the AuroraRestore acting on the cluster'),
    labelNames: ['namespace', 'cluster', 'phase'] as const,
  });
  new Gauge({
    ...opts(
      'aurora_cluster_newest_backup_age_seconds',
      'Age of the newest backup the leader lists, at scrape time',
    ),
    collect() {
      this.reset();
      for (const { namespace, cluster, status } of statuses.values()) {
        const age = newestBackupAgeSecs({
          status: status.backups,
          otherNewestAt: status.newestBackup?.takenAt,
          now: now(),
        });
        if (age !== undefined) this.set({ namespace, cluster }, age);
      }
    },
  });

  const lastVerified = new Gauge(
    opts(
      'aurora_operator_backup_last_verified_timestamp_seconds',
      'When a rehearsal restore last verified a backup of the cluster (status.backups.lastVerified.at)',
    ),
  );
  const verificationFailures = new Counter(
    opts(
      'aurora_operator_backup_verification_failures_total',
      'Rehearsal restores that failed (status.backups.verificationFailures)',
    ),
  );
  const seenFailures = new Map<string, number>();

  const forget = (key: string, labels: Record<Labels, string>): void => {
    for (const g of [ready, logInitialized, registered, replicas, lastVerified]) g.remove(labels);
    for (const pod of pods.get(key) ?? []) restarts.remove({ ...labels, pod });
    for (const c of conditions.get(key) ?? []) condition.remove({ ...labels, ...c });
    pods.delete(key);
    conditions.delete(key);
    statuses.delete(key);
  };

  return {
    update(namespace, cluster, status) {
      const key = `${namespace}/${cluster}`;
      const labels = { namespace, cluster };
      forget(key, labels);
      if (!status) {
        seenChanges.delete(key);
        leaderChanges.remove(labels);
        seenFailures.delete(key);
        verificationFailures.remove(labels);
        return;
      }
      statuses.set(key, { namespace, cluster, status });
      const isTrue = (type: ClusterConditionType): number =>
        status.conditions?.find((c) => c.type === type)?.status === 'True' ? 1 : 0;
      ready.set(labels, isTrue('Ready'));
      logInitialized.set(labels, status.replicatedLog?.initialized === true ? 1 : 0);
      registered.set(labels, (status.members ?? []).filter((m) => m.frameworkRegistered === true).length);
      replicas.set(labels, status.readyReplicas ?? 0);
      const changes = status.leaderChanges ?? 0;
      const delta = changes - (seenChanges.get(key) ?? 0);
      if (delta > 0) leaderChanges.inc(labels, delta);
      else leaderChanges.inc(labels, 0);
      seenChanges.set(key, Math.max(changes, seenChanges.get(key) ?? 0));
      const verifiedAt = Date.parse(status.backups?.lastVerified?.at ?? '');
      if (!Number.isNaN(verifiedAt)) lastVerified.set(labels, verifiedAt / 1000);
      // the status counter only grows; the Prometheus counter follows its increments, as for leader changes
      const failures = status.backups?.verificationFailures ?? 0;
      verificationFailures.inc(labels, Math.max(0, failures - (seenFailures.get(key) ?? 0)));
      seenFailures.set(key, Math.max(failures, seenFailures.get(key) ?? 0));
      pods.set(
        key,
        (status.members ?? []).map((m) => m.name),
      );
      for (const m of status.members ?? []) restarts.set({ ...labels, pod: m.name }, m.restarts ?? 0);
      const current = (status.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
      }));
      conditions.set(key, current);
      for (const c of current) condition.set({ ...labels, ...c }, 1);
    },
    setRestorePhase(namespace, cluster, phase) {
      const key = `${namespace}/${cluster}`;
      const old = restorePhases.get(key);
      if (old) restorePhase.remove({ namespace, cluster, phase: old });
      restorePhases.delete(key);
      if (phase) {
        restorePhases.set(key, phase);
        restorePhase.set({ namespace, cluster, phase }, 1);
      }
    },
  };
}
