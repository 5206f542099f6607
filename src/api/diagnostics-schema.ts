// Spec and status fields that the diagnostics need: the observer setting, restart window and recorded signals.
import { z } from 'zod';
import { Duration } from './duration.ts';

const Time = z.string().meta({ format: 'date-time' });

const AbsoluteDir = z.string().min(1).max(4096).regex(/^\//, { error: 'must be an absolute path' });

export const ThermosObserverSpec = z
  .object({
    mesosRoot: AbsoluteDir.default('/var/lib/mesos').describe(
      "The Mesos agents' --work_dir and the Thermos observer's --mesos-root: one value, so they cannot drift. " +
        'The operator does not run agents or observers; it publishes the flags both must use in ' +
        'status.thermosObserver and reports extra args that name another root.',
    ),
    extraArgs: z
      .array(z.string().min(1).max(1024))
      .max(64)
      .default([])
      .describe(
        'Additional Thermos observer flags, e.g. --port=1338; a --mesos-root here must equal mesosRoot.',
      ),
  })
  .describe(
    'Thermos observer configuration, set where the platform runs observers next to the Mesos agents.',
  );

export const DiagnosticsSpec = z
  .object({
    window: Duration.default('10mins').describe(
      'Scheduler exits and task launch failures within this window count as recent (a non-zero exit or 3 ' +
        'unplanned exits in it mean Crashing).',
    ),
  })
  .prefault({})
  .describe('Tuning of the symptom detection.');

export const RecentExit = z.object({
  finishedAt: Time.describe('When the scheduler container exited.'),
  exitCode: z.int().describe('Exit code of the scheduler container.'),
  ranSeconds: z.int().min(0).describe('How long that run lasted.'),
  planned: z
    .boolean()
    .describe('Exit 0 after -max_leading_duration of uptime or while a restore held the cluster.'),
});

export type RecentExit = z.infer<typeof RecentExit>;

export const RecentExits = z
  .array(RecentExit)
  .max(10)
  .optional()
  .describe('Scheduler container exits within spec.diagnostics.window, oldest first.');

export const BackupsStatus = z
  .object({
    leader: z.string().optional().describe('Pod whose backup counters were read (the leader).'),
    leaderUid: z
      .string()
      .optional()
      .describe('UID of that pod, so counters of a new process are not compared.'),
    successTotal: z.int().min(0).optional().describe('scheduler_backup_success of the leader.'),
    failedTotal: z.int().min(0).optional().describe('scheduler_backup_failed of the leader.'),
    failingSince: Time.optional().describe(
      'First pass that saw scheduler_backup_failed rise without a success.',
    ),
    newest: z.string().optional().describe('Newest backup the leader lists (listBackups).'),
    newestAt: Time.optional().describe('Time in the newest backup name (minute resolution, UTC).'),
  })
  .describe('Backup signals read from the leader: counters from /vars.json and names from listBackups.');

export type BackupsStatus = z.infer<typeof BackupsStatus>;

export const ThermosObserverStatus = z
  .object({
    observerArgs: z.array(z.string()).describe('Flags the Thermos observers must run with.'),
    agentArgs: z.array(z.string()).describe('Flags the Mesos agents must run with.'),
  })
  .describe('Derived from spec.thermosObserver for the deployments of observers and agents.');

export const DiagnosticsStatus = {
  leaderChanges: z
    .int()
    .min(0)
    .optional()
    .describe(
      'Leader elections the operator saw: passes whose leader differs from the previous status (a counter).',
    ),
  backups: BackupsStatus.optional(),
  thermosObserver: ThermosObserverStatus.optional(),
};
