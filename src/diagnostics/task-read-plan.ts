// How the executor rule reads tasks: not at all when the leader holds no FAILED or LOST task, otherwise with a
// limit and a timeout sized by the leader's own task count, so a 10,000-task cluster neither hangs nor floods a pass.
import type { TaskStoreCounts } from '../aurora/task-store-vars.ts';

export interface TaskRead {
  limit: number;
  timeoutMs: number;
}

/** the most tasks one pass reads; beyond it the read is cut and the rule judges the tasks it got */
export const MAX_TASKS_READ = 20_000;
/** assumed when the leader does not export its counts */
export const UNKNOWN_TASK_COUNT = 10_000;
// bench/task-read.ts: a cold read of a real simulated leader's 10,000 tasks (10 MB of TJSON) took up to 2.4 s on a
// loaded 2-CPU machine, about 200 ms per 1,000 tasks; twice that keeps such a read within half its timeout
const MS_PER_1000_TASKS = 400;

/** planTaskRead returns undefined when no read is needed: the rule's answer is known without one. */
export function planTaskRead(
  counts: TaskStoreCounts | undefined,
  baseTimeoutMs: number,
): TaskRead | undefined {
  if (counts && counts.failedOrLost === 0) return undefined;
  const expected = Math.min(MAX_TASKS_READ, counts ? counts.total : UNKNOWN_TASK_COUNT);
  return {
    // a little above the expected count: tasks created between the probe and the read still fit
    limit: Math.min(MAX_TASKS_READ, Math.ceil(expected * 1.1) + 100),
    timeoutMs: baseTimeoutMs + Math.ceil(expected / 1000) * MS_PER_1000_TASKS,
  };
}
