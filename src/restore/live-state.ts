// Reads what the live scheduler holds, for the impact of a restore: active tasks with their whole configs, page by
// page, kept only as summaries.
import type { AuroraAdminClient } from '../aurora/admin-client.ts';
import { summarizeTask, type TaskSummary } from '../aurora/backup-summary.ts';
import { ACTIVE_STATES } from '../thrift/api-types.ts';
import type { LiveState } from './impact.ts';

/**
 * One page of getTasksStatus (offset/limit, honoured by ReadOnlySchedulerImpl.getTasks). Memory: a page holds whole
 * TaskConfigs, executor data included (often a few KiB each), and only the summaries stay (about 640 bytes a task,
 * docs/performance.md), so 100,000 live tasks cost some 62 MiB of summaries plus one page, never the whole store.
 */
export const LIVE_PAGE_SIZE = 500;
/** A cluster larger than this is not read to the end: the impact says so instead of holding it all. */
export const MAX_LIVE_TASKS = 500_000;

/**
 * readLiveState reads whole configs (getTasksStatus) because config digests are only equal when both sides were
 * read the same way, and the backup's configs carry executorConfig.data, which getTasksWithoutConfigs drops.
 * Aurora pages over a store that may change between pages, so a task id seen twice is kept once.
 * Cron jobs and quotas are read apart, in impact-live.ts.
 */
export async function readLiveState(admin: AuroraAdminClient): Promise<LiveState> {
  const seen = new Map<string, TaskSummary>();
  for (let offset = 0; offset < MAX_LIVE_TASKS; offset += LIVE_PAGE_SIZE) {
    const page = await admin.getTasksStatus({ statuses: [...ACTIVE_STATES], offset, limit: LIVE_PAGE_SIZE });
    for (const t of page) seen.set(t.assignedTask.taskId, summarizeTask(t));
    if (page.length < LIVE_PAGE_SIZE) return { tasks: [...seen.values()] };
  }
  throw new Error(`the live scheduler holds more than ${MAX_LIVE_TASKS} active tasks; not compared`);
}
