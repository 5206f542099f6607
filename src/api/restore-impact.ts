// The impact of a restore (AuroraRestore status.impact): what the live scheduler holds that the backup does not,
// as Aurora's restore guide warns: tasks created or rescheduled since the backup are killed after the restore.
import { z } from 'zod';

/** How many task ids, jobs or roles each list of the impact names; the counts are always complete. */
export const IMPACT_LIST_LIMIT = 10;
/** byJob keeps the jobs with most tasks, so a status object stays small on a cluster of thousands of jobs. */
export const IMPACT_JOB_LIMIT = 50;

const Counts = z.record(z.string(), z.int().min(0));

const ImpactTasks = z.object({
  count: z.int().min(0).describe('How many tasks.'),
  jobs: z.int().min(0).describe('In how many jobs (role/env/name).'),
  byRole: Counts.describe('Task count per role.'),
  byJob: Counts.describe(`Task count per job, the ${IMPACT_JOB_LIMIT} jobs with most tasks.`),
  taskIds: z.array(z.string()).describe(`The first ${IMPACT_LIST_LIMIT} task ids, sorted.`),
});

const JobList = z.object({
  count: z.int().min(0).describe('How many.'),
  jobs: z.array(z.string()).describe(`The first ${IMPACT_LIST_LIMIT} (role/env/name), sorted.`),
});

const CronJobsDiff = z.object({
  count: z.int().min(0).describe('Cron jobs that differ in any way (the sum of the three counts).'),
  added: JobList.describe('Cron jobs scheduled since the backup: the restore removes them.'),
  removed: JobList.describe('Cron jobs in the backup but descheduled since: the restore brings them back.'),
  changed: JobList.describe(
    'Cron jobs in both whose schedule or task configuration differs: the restore reverts them.',
  ),
});

const QuotaChange = z.object({
  role: z.string().describe('The role (ownerRole) the quota belongs to.'),
  backup: z
    .string()
    .describe('The quota in the backup, e.g. "cpus 4, ram 8192 MiB, disk 1024 MiB" ("none" when unset).'),
  live: z.string().describe("The quota now, in the same form: the restore replaces it with the backup's."),
});

const QuotasDiff = z.object({
  count: z.int().min(0).describe('Roles whose quota differs.'),
  changed: z.array(QuotaChange).describe(`The first ${IMPACT_LIST_LIMIT} of them, by role.`),
});

/** A part of the live state the operator could not read, and why. */
const NotCompared = z.object({
  part: z.enum(['cronJobs', 'quotas']).describe('The part of the impact left out.'),
  reason: z.string().describe('Why it could not be read, e.g. the failed call and its error.'),
});

export const RestoreImpact = z
  .object({
    known: z
      .boolean()
      .describe(
        'False when the live scheduler could not be read (e.g. no leader, the usual case when the log is ' +
          'corrupted): the impact is unknown, not empty.',
      ),
    reason: z.string().optional().describe('Why the impact is unknown.'),
    backup: z.string().optional().describe('The backup compared.'),
    backupAge: z.string().optional().describe("Age of the backup, from the snapshot's own timestamp."),
    computedAt: z.string().meta({ format: 'date-time' }).optional().describe('When it was computed.'),
    leader: z.string().optional().describe('Scheduler pod whose live state was read.'),
    backupTasks: z.int().min(0).optional().describe('Active tasks in the backup.'),
    liveTasks: z.int().min(0).optional().describe('Active tasks in the live scheduler.'),
    killed: ImpactTasks.optional().describe(
      'Live tasks unknown to the backup, of jobs or instances created after it: Aurora kills them.',
    ),
    rescheduled: ImpactTasks.optional().describe(
      'Backup tasks whose live counterpart (same job and instance) has another task id or host: the live task ' +
        "is killed and the backup's re-created (counted by the backup's task ids).",
    ),
    changedJobs: z
      .object({
        count: z.int().min(0).describe('Jobs whose task configuration differs.'),
        jobs: z.array(z.string()).describe(`The first ${IMPACT_LIST_LIMIT} of them, sorted.`),
      })
      .optional()
      .describe(
        'Jobs in both whose configuration (digest of the task config) differs: the restore reverts it.',
      ),
    cronJobs: CronJobsDiff.optional().describe(
      'Cron jobs (getJobs) compared with the backup; absent when they could not be read (see notCompared).',
    ),
    quotas: QuotasDiff.optional().describe(
      'Role quotas (getQuota) compared with the backup, an unset quota counting as none; absent when they ' +
        'could not be read (see notCompared).',
    ),
    notCompared: z
      .array(NotCompared)
      .optional()
      .describe('Parts of the state the operator could not read live, and why: unknown, not unchanged.'),
    summary: z.string().optional().describe('One line for people, also shown while awaiting approval.'),
  })
  .describe(
    'What the restore kills or reverts, compared with the live scheduler before anything is touched.',
  );

export type RestoreImpact = z.infer<typeof RestoreImpact>;
export type ImpactTasks = z.infer<typeof ImpactTasks>;
export type CronJobsDiff = z.infer<typeof CronJobsDiff>;
export type QuotasDiff = z.infer<typeof QuotasDiff>;
export type NotCompared = z.infer<typeof NotCompared>;
