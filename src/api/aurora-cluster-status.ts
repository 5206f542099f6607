// AuroraCluster status: what the operator observed, written only by the operator.
import { z } from 'zod';
import { Conditions } from './conditions.ts';
import { BackupsStatus, DiagnosticsStatus, RecentExits } from './diagnostics-schema.ts';

export const CLUSTER_PHASES = [
  'Pending',
  'Initializing',
  'Running',
  'Degraded',
  'Restoring',
  'Paused',
] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

const Time = z.string().meta({ format: 'date-time' });

const Member = z.object({
  name: z.string().describe('Pod name.'),
  podIP: z.string().optional().describe('Pod IP the scheduler binds to.'),
  lifecycle: z.string().optional().describe('Aurora scheduler lifecycle state, e.g. ACTIVE.'),
  frameworkRegistered: z.boolean().optional().describe('The scheduler reports framework_registered=1.'),
  logRecovered: z.boolean().optional().describe('The local log replica reports log/recovered=1.'),
  healthy: z.boolean().optional().describe('GET /health answered OK.'),
  restarts: z.int().min(0).optional().describe('Restart count of the scheduler container.'),
  revision: z.string().optional().describe('StatefulSet revision the pod runs.'),
  ready: z.boolean().optional().describe('The pod is Ready.'),
  recentExits: RecentExits,
});

export const SCALING_STEPS = [
  'Planned',
  'RaiseQuorum',
  'AddReplicas',
  'MoveLeader',
  'RemoveReplicas',
  'LowerQuorum',
  'WaitReady',
] as const;
export type ScalingStep = (typeof SCALING_STEPS)[number];

const Scaling = z
  .object({
    from: z.int().min(1).max(7).describe('Replicas when this change started.'),
    to: z
      .int()
      .min(1)
      .max(7)
      .describe('Replicas this change ends at; a newer spec waits until it is reached.'),
    step: z.enum(SCALING_STEPS).describe('Current step of the change (docs/scaling.md).'),
    startedAt: Time.optional().describe('When the change started.'),
  })
  .describe('Checkpoint of a replica-count change in progress; absent when none runs.');

export type ScalingStatus = z.infer<typeof Scaling>;

export const REHEARSAL_STEPS = [
  'Planned',
  'Isolate',
  'StartScheduler',
  'PlaceBackup',
  'AwaitStorage',
  'Compare',
  'CleanUp',
] as const;
export type RehearsalStep = (typeof REHEARSAL_STEPS)[number];

export const REHEARSAL_FAILURES = [
  'BackupUnreadable',
  'TasksDiffer',
  'SchedulerWouldNotStart',
  'RehearsalTimedOut',
  'RehearsalRefused',
] as const;
export type RehearsalFailure = (typeof REHEARSAL_FAILURES)[number];

const Rehearsal = z
  .object({
    phase: z.enum(REHEARSAL_STEPS).describe('Current step of the rehearsal (docs/backups.md).'),
    backup: z.string().describe('The backup being rehearsed.'),
    replica: z.string().optional().describe('Pod whose backup agent holds the backup.'),
    startedAt: Time.describe('When the rehearsal started; it times out 15 minutes later.'),
    tasks: z.int().min(0).optional().describe('Tasks the decoded backup holds.'),
    takenAt: Time.optional().describe("The backup's own snapshot timestamp."),
    outcome: z
      .object({
        verified: z.boolean().describe('The tasks read back matched the backup.'),
        reason: z.string().describe('BackupsVerified reason this rehearsal reports once cleaned up.'),
        message: z.string().describe('BackupsVerified message.'),
      })
      .optional()
      .describe('The result, kept while the throwaway objects are deleted.'),
  })
  .describe('Checkpoint of the rehearsal restore in progress; absent when none runs.');

export type RehearsalStatus = z.infer<typeof Rehearsal>;

const VerifiedBackup = z.object({
  name: z.string().describe('Backup file name.'),
  at: Time.describe('When the rehearsal finished.'),
  tasks: z.int().min(0).optional().describe('Tasks restored and compared.'),
});

const ShippedBackup = z
  .object({
    name: z.string().describe('Backup file name, the object key under the prefix.'),
    at: Time.describe('When the backup agent finished the upload.'),
    size: z.int().min(0).describe('Bytes of the object.'),
    tasks: z.int().min(0).optional().describe('Tasks the shipped backup holds.'),
    replica: z.string().describe('Pod whose backup agent shipped it.'),
  })
  .describe('Newest backup in the object store (spec.backup.objectStore); absent without a store.');

const RehearsedBackups = BackupsStatus.extend({
  rehearsal: Rehearsal.optional(),
  lastVerified: VerifiedBackup.optional().describe('Newest backup a rehearsal restored and verified.'),
  lastFailed: VerifiedBackup.extend({
    reason: z.enum(REHEARSAL_FAILURES).describe('Why the rehearsal failed.'),
  })
    .optional()
    .describe('The last rehearsal that failed.'),
  verificationFailures: z
    .int()
    .min(0)
    .optional()
    .describe('Rehearsals that failed (a counter, aurora_operator_backup_verification_failures_total).'),
  newestShipped: ShippedBackup.optional(),
  shippedObjects: z
    .int()
    .min(0)
    .optional()
    .describe('Backup objects under the cluster prefix in the object store, from the last listing.'),
  shippedBytes: z
    .number()
    .min(0)
    .optional()
    .describe('Bytes of the backup objects under the cluster prefix in the object store.'),
  uploading: z
    .object({
      name: z.string().describe('Backup file name.'),
      size: z.int().min(0).describe('Bytes of the file.'),
      since: Time.describe('When the upload started.'),
      replica: z.string().describe('Scheduler pod whose backup agent uploads it.'),
    })
    .optional()
    .describe('The longest-running upload in flight to the object store, as the backup agents report it.'),
}).describe(
  'Backup signals read from the leader (counters from /vars.json, names from listBackups) and the rehearsal restores.',
);

export type RehearsedBackups = z.infer<typeof RehearsedBackups>;

export const AuroraClusterStatus = z
  .object({
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the status was computed from.'),
    phase: z.enum(CLUSTER_PHASES).optional().describe('Summary phase of the cluster.'),
    replicas: z.int().min(0).optional().describe('Scheduler pods that exist.'),
    readyReplicas: z.int().min(0).optional().describe('Scheduler pods that are Ready.'),
    leader: z.string().optional().describe('Pod name of the leading scheduler.'),
    leaderEndpoint: z.string().optional().describe('host:port the leader advertises.'),
    quorumSize: z.int().min(1).optional().describe('Replicated-log quorum passed to the schedulers.'),
    replicatedLog: z
      .object({
        initialized: z
          .boolean()
          .optional()
          .describe('The replicated log was initialized once for this cluster.'),
        initializedAt: Time.optional().describe('When the log was first seen initialized.'),
      })
      .optional()
      .describe('Replicated-log bookkeeping; once initialized, log-init is never allowed again.'),
    members: z.array(Member).optional().describe('One entry per scheduler pod.'),
    newestBackup: z
      .object({
        name: z.string().describe('Backup file name, scheduler-backup-<yyyy-MM-dd-HH-mm>.'),
        takenAt: Time.optional().describe('When the backup was written.'),
        replica: z.string().optional().describe('Pod holding the backup.'),
      })
      .optional()
      .describe('Newest backup seen on any replica.'),
    lock: z
      .object({
        restore: z.string().describe('Name of the AuroraRestore holding the cluster.'),
        since: Time.optional().describe('When the restore took the lock.'),
      })
      .optional()
      .describe('Set while an AuroraRestore holds the cluster; the cluster reconciler does not scale then.'),
    rollout: z
      .object({
        updateRevision: z.string().optional().describe('StatefulSet revision pods are moved to.'),
        pending: z.array(z.string()).optional().describe('Pods still on an older revision.'),
      })
      .optional()
      .describe('One-at-a-time restart progress (the StatefulSet uses OnDelete).'),
    scaling: Scaling.optional(),
    ...DiagnosticsStatus,
    backups: RehearsedBackups.optional(),
    conditions: Conditions.optional(),
  })
  .describe('Observed state of the cluster, written by the operator.');

export type AuroraClusterStatus = z.infer<typeof AuroraClusterStatus>;
