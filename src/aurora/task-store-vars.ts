// The leader's task counts from its /vars (Aurora's TaskVars gauges `task_store_<STATUS>`), which tell how large
// a task read would be before making it.

export interface TaskStoreCounts {
  /** every task the store holds */
  total: number;
  /** tasks in FAILED or LOST: without them no executor crash can be found */
  failedOrLost: number;
}

const PREFIX = 'task_store_';

/** taskStoreCounts is undefined when the scheduler exports no task_store_ gauges (not leading, or older). */
export function taskStoreCounts(vars: Record<string, unknown>): TaskStoreCounts | undefined {
  let seen = false;
  let total = 0;
  let failedOrLost = 0;
  for (const [name, value] of Object.entries(vars)) {
    if (!name.startsWith(PREFIX) || typeof value !== 'number' || !/^[A-Z_]+$/.test(name.slice(PREFIX.length)))
      continue;
    seen = true;
    total += value;
    if (name === `${PREFIX}FAILED` || name === `${PREFIX}LOST`) failedOrLost += value;
  }
  return seen ? { total, failedOrLost } : undefined;
}
