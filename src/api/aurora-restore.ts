// AuroraRestore: zod schema of spec and status; the spec is immutable except approval.approved and cancel.
import { z } from 'zod';
import { ObjectMeta } from './aurora-cluster.ts';
import { Conditions } from './conditions.ts';
import { Duration } from './duration.ts';
import { API_VERSION, AURORA_RESTORE } from './group.ts';
import { StoreCaBundle, StoreCredentials } from './object-store-spec.ts';
import { RestoreImpact } from './restore-impact.ts';

export const BACKUP_ID_PATTERN = /^scheduler-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/;

/** `backupId: latest` asks Validate to pick the newest backup that passes its checks. */
export const LATEST_BACKUP = 'latest';
const BACKUP_ID_OR_LATEST = /^(latest|scheduler-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2})$/;

/** Aurora's restore guide calls a backup older than a few hours a bad idea; this is the default limit. */
export const DEFAULT_MAX_BACKUP_AGE = '6hrs';

const IMMUTABLE_SPEC_RULE = [
  'self.cluster == oldSelf.cluster',
  'self.backupId == oldSelf.backupId',
  'self.deleteTasks == oldSelf.deleteTasks',
  'self.approval.required == oldSelf.approval.required',
  'self.blockClientTraffic == oldSelf.blockClientTraffic',
  'self.strategy == oldSelf.strategy',
  'self.maxBackupAge == oldSelf.maxBackupAge',
  'self.acceptBackupAge == oldSelf.acceptBackupAge',
  'has(self.source) == has(oldSelf.source)',
  '(!has(self.source) || self.source == oldSelf.source)',
].join(' && ');

const SOURCE_STORE_PAIR_MESSAGE =
  'source.objectStore needs bucket and prefix together (another store) or neither ({})';
const SOURCE_STORE_OWN_MESSAGE =
  "source.objectStore without bucket is the cluster's own store and takes no other setting; name bucket and prefix " +
  'to read another store';

/** spec.source.objectStore: `{}` is the cluster's own store; bucket and prefix name another one (another cluster's). */
export const RestoreSourceStore = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .optional()
      .describe('S3-compatible endpoint of the other store; absent: AWS S3 for the region.'),
    bucket: z
      .string()
      .min(3)
      .max(63)
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, { error: 'must be an S3 bucket name' })
      .optional()
      .describe("Bucket of the other store; absent: the cluster's own spec.backup.objectStore."),
    prefix: z
      .string()
      .max(512)
      .regex(/^[^/].*\/$/, { error: 'must end with / and not start with /, e.g. aurora/other/' })
      .optional()
      .describe('Key prefix of the backups in the other store, e.g. "aurora/other/" (required with bucket).'),
    region: z.string().min(1).max(64).optional().describe('Region of the other bucket; absent: us-east-1.'),
    forcePathStyle: z
      .boolean()
      .optional()
      .describe('Path-style addressing for the other store; absent: false.'),
    credentials: StoreCredentials.optional().describe(
      "Secret in the restore's namespace with keys for the other store; absent: the operator's own identity. " +
        'The operator reads it and hands the agent a link to the one object, valid 15 minutes; the keys stay ' +
        'in the operator.',
    ),
    caBundle: StoreCaBundle.optional(),
  })
  .superRefine((store, ctx) => {
    if ((store.bucket === undefined) !== (store.prefix === undefined))
      ctx.addIssue({ code: 'custom', path: ['bucket'], message: SOURCE_STORE_PAIR_MESSAGE });
    const others = ['endpoint', 'region', 'forcePathStyle', 'credentials', 'caBundle'] as const;
    if (store.bucket === undefined && others.some((k) => store[k] !== undefined))
      ctx.addIssue({ code: 'custom', path: [], message: SOURCE_STORE_OWN_MESSAGE });
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.bucket) == has(self.prefix)', message: SOURCE_STORE_PAIR_MESSAGE },
      {
        rule:
          'has(self.bucket) || !(has(self.endpoint) || has(self.region) || has(self.forcePathStyle) || ' +
          'has(self.credentials) || has(self.caBundle))',
        message: SOURCE_STORE_OWN_MESSAGE,
      },
    ],
  })
  .describe(
    "Restore from an object store: {} is the cluster's own spec.backup.objectStore; bucket and prefix (with " +
      "endpoint, region, credentials, caBundle as needed) name another store, e.g. another cluster's. backupId " +
      'names an object (or latest, the newest complete object); Validate downloads it to a replica, checks its ' +
      'SHA-256 and decodes it before anything is touched.',
  );
export type RestoreSourceStore = z.infer<typeof RestoreSourceStore>;

/** spec.source: where the backup comes from; absent means the replicas' own backup volumes. */
export const RestoreSource = z
  .object({ objectStore: RestoreSourceStore.optional() })
  .describe('Where the backup comes from; absent: the backup volumes of the replicas.');
export type RestoreSource = z.infer<typeof RestoreSource>;

/** restoresFromStore: the restore downloads its backup from the cluster's object store. */
export function restoresFromStore(spec: { source?: RestoreSource | undefined }): boolean {
  return spec.source?.objectStore !== undefined;
}

// Offline restores never stage the backup in a scheduler, so there is nothing to preview, approve or edit.
const OFFLINE_RULE =
  "self.strategy != 'Offline' || (!self.approval.required && size(self.deleteTasks.taskIds) == 0 && size(self.deleteTasks.jobKeys) == 0)";
const OFFLINE_MESSAGE =
  'the Offline strategy has no staged snapshot: approval.required and deleteTasks need strategy Staged';

export const AuroraRestoreSpec = z
  .object({
    cluster: z
      .string()
      .min(1)
      .max(253)
      .describe('Name of the AuroraCluster to restore, in the same namespace.'),
    backupId: z
      .string()
      .regex(BACKUP_ID_OR_LATEST, {
        error: 'must be scheduler-backup-<yyyy>-<MM>-<dd>-<HH>-<mm> or latest',
      })
      .describe(
        'Backup to restore, e.g. scheduler-backup-2024-01-31-23-00, or latest: the newest backup (by the ' +
          "snapshot's own timestamp) that decodes and is younger than maxBackupAge; status.source.name records it.",
      ),
    source: RestoreSource.optional(),
    maxBackupAge: Duration.default(DEFAULT_MAX_BACKUP_AGE).describe(
      "Oldest backup Validate accepts, judged from the snapshot's own timestamp: an older one fails with " +
        'BackupTooOld before anything is touched, because every task started or rescheduled since is killed.',
    ),
    acceptBackupAge: z
      .boolean()
      .default(false)
      .describe('Set to true to restore a backup older than maxBackupAge (or whose age cannot be decoded).'),
    deleteTasks: z
      .object({
        taskIds: z
          .array(z.string().min(1).max(512))
          .max(10000)
          .default([])
          .describe('Task IDs removed from the staged snapshot before commit.'),
        jobKeys: z
          .array(
            z
              .string()
              .max(512)
              .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, { error: 'must be role/env/name' }),
          )
          .max(1000)
          .default([])
          .describe('Jobs (role/env/name) whose tasks are removed from the staged snapshot.'),
      })
      .prefault({})
      .describe('Tasks deleted from the recovered snapshot before it is committed.'),
    approval: z
      .object({
        required: z.boolean().default(false).describe('Wait in AwaitingApproval after staging the recovery.'),
        approved: z.boolean().default(false).describe('Set to true to let a waiting restore commit.'),
      })
      .prefault({})
      .describe('Optional manual approval between staging and commit.'),
    blockClientTraffic: z
      .boolean()
      .default(true)
      .describe(
        'Block client traffic to the schedulers with a NetworkPolicy while restoring, as Aurora recommends.',
      ),
    strategy: z
      .enum(['Staged', 'Offline'])
      .default('Staged')
      .describe('Staged recovers through the scheduler API; Offline writes the log with recovery-tool.'),
    cancel: z
      .boolean()
      .default(false)
      .describe('Set to true to cancel before commit: the cluster is put back as it was (like deleting it).'),
  })
  .superRefine((spec, ctx) => {
    if (spec.strategy !== 'Offline') return;
    if (spec.approval.required || spec.deleteTasks.taskIds.length || spec.deleteTasks.jobKeys.length) {
      ctx.addIssue({ code: 'custom', path: ['strategy'], message: OFFLINE_MESSAGE });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: IMMUTABLE_SPEC_RULE, message: 'spec is immutable except approval.approved and cancel' },
      { rule: OFFLINE_RULE, message: OFFLINE_MESSAGE },
    ],
  })
  .describe('Restore of an AuroraCluster from one of its backups.');

export type AuroraRestoreSpec = z.infer<typeof AuroraRestoreSpec>;

export const RESTORE_PHASES = [
  'Pending',
  'Running',
  'AwaitingApproval',
  'Succeeded',
  'Failed',
  'Cancelling',
  'Cancelled',
  'RollingBack',
] as const;
export type RestorePhase = (typeof RESTORE_PHASES)[number];

const Time = z.string().meta({ format: 'date-time' });
const Counts = z.record(z.string(), z.int().min(0));

export const AuroraRestoreStatus = z
  .object({
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the status was computed from.'),
    phase: z.enum(RESTORE_PHASES).optional().describe('Summary phase of the restore.'),
    step: z.string().optional().describe('Current step of the restore state machine.'),
    timeline: z
      .array(
        z.object({
          step: z.string().describe('Step name.'),
          startedAt: Time.optional().describe('When the step started.'),
          finishedAt: Time.optional().describe('When the step finished.'),
          message: z.string().optional().describe('What happened.'),
          waitingSince: Time.optional().describe(
            'Since when the step has been retrying after transient faults (a refusal, a scheduler or API server ' +
              'that does not answer); cleared when the step makes progress. Such faults never fail the restore.',
          ),
          retries: z
            .int()
            .min(0)
            .optional()
            .describe('Transient failures of the step since waitingSince; they spend no attempt budget.'),
        }),
      )
      .optional()
      .describe('Steps in the order they ran.'),
    preview: z
      .object({
        backupAge: z.string().optional().describe('Age of the backup when the restore started.'),
        taskCount: z.int().min(0).optional().describe('Tasks in the staged snapshot.'),
        byRole: Counts.optional().describe('Task count per role.'),
        byJob: Counts.optional().describe('Task count per role/env/name.'),
        byStatus: Counts.optional().describe('Task count per task status.'),
      })
      .optional()
      .describe('What the staged backup contains.'),
    conditions: Conditions.optional(),
    error: z
      .object({
        step: z.string().optional().describe('Step that failed.'),
        message: z.string().optional().describe('Why it failed.'),
        reason: z
          .string()
          .optional()
          .describe(
            'Stable code of the terminal cause, e.g. BackupNotInStore or BackupTooOld (docs/errors.md).',
          ),
      })
      .optional()
      .describe('Terminal error of a Failed restore.'),
    source: z
      .object({
        name: z
          .string()
          .optional()
          .describe('The backup validated (what backupId latest resolved to); every later step uses it.'),
        pod: z.string().describe('Scheduler pod whose backup directory holds the backup.'),
        takenAt: Time.optional().describe('Modification time of the backup file.'),
        snapshotAt: Time.optional().describe("The snapshot's own timestamp, decoded by the backup agent."),
        size: z.int().min(0).optional().describe('Size of the backup file in bytes.'),
        tasks: z
          .int()
          .min(0)
          .optional()
          .describe('Tasks in the backup, decoded by the backup agent before anything was touched.'),
      })
      .optional()
      .describe('Where validation found the backup.'),
    impact: RestoreImpact.optional(),
    leader: z.string().optional().describe('Pod of the partially disabled leader that stages the recovery.'),
    commitRequestedAt: Time.optional().describe(
      'When commitRecovery was first sent; past this point the restore can no longer be cancelled.',
    ),
    staged: z
      .object({
        taskCount: z.int().min(0).describe('Tasks in the staged snapshot after deleteTasks.'),
        digest: z.string().describe('SHA-256 of the sorted task ids of the staged snapshot.'),
      })
      .optional()
      .describe('What the commit must leave in the replicated log; the commit is verified against it.'),
    logSnapshotAt: Time.optional().describe(
      'Offline: when a log snapshot wrote the restored state to a quorum, before the other replicas started.',
    ),
    commitSentTo: z
      .string()
      .optional()
      .describe(
        'The uid of the scheduler pod the last commitRecovery without an answer went to. A commit that lands ' +
          'ends in that scheduler exiting, so finding it still holding the staged snapshot proves the attempt did ' +
          'not land, and it is not counted.',
      ),
    commitAttempts: z
      .int()
      .min(0)
      .optional()
      .describe(
        'How many times commitRecovery reached a leader whose storage answered and that held the staged ' +
          'snapshot; a refusal (ERROR_TRANSIENT, connection refused) is not counted. A commit that did not land ' +
          'is staged again.',
      ),
  })
  .describe('Progress of the restore, written by the operator.');

export type AuroraRestoreStatus = z.infer<typeof AuroraRestoreStatus>;

export const AuroraRestore = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(AURORA_RESTORE.kind),
  metadata: ObjectMeta,
  spec: AuroraRestoreSpec,
  status: AuroraRestoreStatus.optional(),
});

export type AuroraRestore = z.infer<typeof AuroraRestore>;
