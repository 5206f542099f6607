// spec.backup.verify: the schedule of rehearsal restores (docs/backups.md), validated by zod and by CEL alike.
import { z } from 'zod';
import { cronProblem } from './cron-schedule.ts';

const CRON_MESSAGE = 'must be a 5-field cron expression: minute hour day-of-month month day-of-week (UTC)';

export const BackupVerify = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Rehearse restores of the newest backup in a throwaway scheduler (docs/backups.md).'),
    schedule: z
      .string()
      .max(256)
      .superRefine((expression, ctx) => {
        const problem = cronProblem(expression);
        if (problem) ctx.addIssue({ code: 'custom', message: `${CRON_MESSAGE}: ${problem}` });
      })
      .meta({
        'x-kubernetes-validations': [
          { rule: "self.matches('^ *[^ ]+( +[^ ]+){4} *$')", message: CRON_MESSAGE },
        ],
      })
      .optional()
      .describe(
        'Cron schedule (UTC) of rehearsals, e.g. "30 3 * * *"; without it a rehearsal follows each new backup, at most once an hour.',
      ),
  })
  .prefault({})
  .describe(
    'Rehearsal restores: the newest backup is recovered into an isolated 1-replica scheduler that can never register, and its tasks are compared with the backup.',
  );
