// The restore's step tables by name: the strategies' procedures and the tables that put a cluster back.
import { CANCEL_STEPS, RELEASE_STEPS } from './cancel-steps.ts';
import { OFFLINE_STEPS } from './offline-steps.ts';
import type { Plan, StepTable, TableName } from './plan.ts';
import { stagedGuard } from './staged-guards.ts';
import { STAGED_STEPS } from './staged-steps.ts';

export const STAGED: StepTable = { name: 'Staged', steps: STAGED_STEPS, guard: stagedGuard };
export const OFFLINE: StepTable = { name: 'Offline', steps: OFFLINE_STEPS };
export const CANCEL: StepTable = { name: 'Cancel', steps: CANCEL_STEPS };
export const RELEASE: StepTable = { name: 'Release', steps: RELEASE_STEPS };

const TABLES: Record<TableName, StepTable> = {
  Staged: STAGED,
  Offline: OFFLINE,
  Cancel: CANCEL,
  Release: RELEASE,
};

/** tableFor: the table a plan runs, or none when the restore is finished or failed. */
export function tableFor(plan: Plan): StepTable | undefined {
  return 'table' in plan ? TABLES[plan.table] : undefined;
}
