// ExecutorHealthy: recent tasks that went to FAILED or LOST without ever reaching STARTING/RUNNING, newer than
// the last task that did start (so a working executor clears it).
import type { TaskOutcome } from './signals.ts';
import { conditionFalse, conditionTrue, conditionUnknown, type ConditionBody } from '../api/conditions.ts';

export const EXAMPLE_TASKS = 3;

export function crashedTasks(outcomes: readonly TaskOutcome[], sinceMs: number): TaskOutcome[] {
  const lastStart = Math.max(0, ...outcomes.map((t) => t.startedAt ?? 0));
  return outcomes
    .filter(
      (t) => t.status !== 'OTHER' && !t.started && t.lastEventAt > lastStart && t.lastEventAt >= sinceMs,
    )
    .sort((a, b) => b.lastEventAt - a.lastEventAt);
}

export function executorHealthy(
  tasks: { outcomes: readonly TaskOutcome[]; error?: string; truncatedAt?: number } | undefined,
  now: Date,
  windowMs: number,
): ConditionBody {
  if (!tasks) return conditionUnknown('NoActiveLeader', 'No active leader to ask for recent tasks.');
  if (tasks.error)
    return conditionUnknown('TasksUnreadable', `getTasksWithoutConfigs on the leader failed: ${tasks.error}`);
  const crashed = crashedTasks(tasks.outcomes, now.getTime() - windowMs);
  // a cut read may miss the newest failures or the start that clears them: neither answer would be proven
  if (tasks.truncatedAt !== undefined) {
    return conditionUnknown(
      'TaskReadTruncated',
      `The leader holds more STARTING, RUNNING, FAILED and LOST tasks than one read returns ` +
        `(${tasks.truncatedAt}); ${crashed.length} of the tasks read went to FAILED or LOST without STARTING or ` +
        'RUNNING. Look for failing tasks in the Aurora UI.',
    );
  }
  if (!crashed.length) {
    return conditionTrue(
      'NoLaunchFailures',
      'No recent task went to FAILED or LOST without STARTING or RUNNING.',
    );
  }
  const examples = crashed.slice(0, EXAMPLE_TASKS).map((t) => `${t.taskId} (${t.status})`);
  return conditionFalse(
    'ExecutorCrashing',
    `Executor crashing: ${crashed.length} recent task(s) went to FAILED or LOST without ever STARTING or RUNNING, ` +
      `e.g. ${examples.join(', ')}. The executor fails before it reports, for example a missing native ` +
      'dependency of the Mesos executor library or a wrong -thermos_executor_path/-thermos_executor_resources: ' +
      "open the failing task in the Mesos UI and read its sandbox logs (stderr, stdout, the executor's log).",
  );
}
