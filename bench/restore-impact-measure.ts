// The operator's side of a restore's impact for the 100,000-task backup, in a fresh process with the operator's
// Node flags: parse the agent's summary (as agent-client does), summarize the live tasks page by page (as
// live-state.ts does, without the HTTP), and compute the impact; prints the time and memory of each as JSON.
import { readFileSync } from 'node:fs';
import {
  BackupSummary,
  formatResources,
  summarizeCronJob,
  summarizeTask,
} from '../src/aurora/backup-summary.ts';
import type { TaskSummary } from '../src/aurora/backup-summary.ts';
import type { LiveState } from '../src/restore/impact.ts';
import { computeImpact } from '../src/restore/impact.ts';
import type { JobConfiguration, Resource, ScheduledTask } from '../src/thrift/api-types.ts';
import type { StructValue } from '../src/thrift/schema.ts';
import { benchCronJob, benchQuota, benchTask, CRON_JOBS, QUOTA_ROLES, TASKS } from './backup-decode.ts';
import { peakRss } from './peak-rss.ts';
import { CHANGES, type ImpactMeasure } from './restore-impact.ts';

const PAGE = 500;

/** liveState: the backup's tasks read back from a leader, page by page, with the changes above applied. */
function liveState(): LiveState {
  const tasks: TaskSummary[] = [];
  for (let from = 0; from < TASKS + CHANGES.killed; from += PAGE) {
    const page: ScheduledTask[] = [];
    for (let n = from; n < Math.min(from + PAGE, TASKS + CHANGES.killed); n++) {
      const t = benchTask(n) as unknown as ScheduledTask;
      if (n >= TASKS)
        t.assignedTask.task = {
          ...t.assignedTask.task,
          job: { role: 'new', environment: 'prod', name: 'job' },
        };
      if (n >= TASKS || n % 100 === 0) t.assignedTask.taskId = `${t.assignedTask.taskId}-since`;
      page.push(t);
    }
    for (const t of page) tasks.push(summarizeTask(t));
  }
  const cron = (n: number, schedule?: string) =>
    summarizeCronJob(benchCronJob(n, schedule) as unknown as JobConfiguration);
  const cronJobs = [
    ...Array.from({ length: CRON_JOBS }, (_, n) =>
      n < CHANGES.cronChanged ? cron(n, '*/5 * * * *') : cron(n),
    ),
    ...Array.from({ length: CHANGES.cronAdded }, (_, k) => cron(CRON_JOBS + k)),
  ];
  const quotas = Array.from({ length: QUOTA_ROLES }, (_, n) => {
    const q = benchQuota(n, n < CHANGES.quotasChanged ? 200 : 100) as { role: string; quota: StructValue };
    return { role: q.role, resources: formatResources(q.quota['resources'] as Resource[]) };
  });
  return { tasks, cronJobs, quotas };
}

const path = process.argv[2];
if (!path || !globalThis.gc)
  throw new Error('usage: node --expose-gc bench/restore-impact-measure.ts <summary.json>');
globalThis.gc();
const baseRss = process.memoryUsage.rss();
const baseHeap = process.memoryUsage().heapUsed;
const text = readFileSync(path, 'utf8');
const parse = await peakRss(() => BackupSummary.parse(JSON.parse(text)));
globalThis.gc();
const summaryHeap = process.memoryUsage().heapUsed - baseHeap;
const live = await peakRss(() => liveState());
globalThis.gc();
const liveHeap = process.memoryUsage().heapUsed - baseHeap - summaryHeap;
const impact = await peakRss(() => computeImpact(parse.value, live.value, new Date(1_764_003_600_000)));
const measure: ImpactMeasure = {
  summaryJsonBytes: Buffer.byteLength(text),
  parseMs: parse.ms,
  liveMs: live.ms,
  impactMs: impact.ms,
  baseRss,
  parseRssGrowth: parse.peak - baseRss,
  liveRssGrowth: live.peak - baseRss,
  impactRssGrowth: impact.peak - baseRss,
  summaryHeapKept: summaryHeap,
  liveHeapKept: liveHeap,
  killed: impact.value.killed?.count ?? -1,
  rescheduled: impact.value.rescheduled?.count ?? -1,
  changedJobs: impact.value.changedJobs?.count ?? -1,
  cronJobs: impact.value.cronJobs?.count ?? -1,
  quotas: impact.value.quotas?.count ?? -1,
  summary: impact.value.summary ?? '',
};
process.stdout.write(`${JSON.stringify(measure)}\n`);
