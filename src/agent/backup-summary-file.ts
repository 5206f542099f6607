// Summarizes a backup file where it lies (GET /backups/<name>/summary): each task, cron job and quota becomes one
// summary row as it is decoded, so the agent holds the summary, never the snapshot.
import type { BackupSummary, CronJobSummary, QuotaSummary, TaskSummary } from '../aurora/backup-summary.ts';
import { summarizeCronJob, summarizeQuota, summarizeTask } from '../aurora/snapshot-summaries.ts';
import { scanBackupFile, type BackupScanOptions } from './backup-check.ts';

export async function summarizeBackupFile(
  name: string,
  path: string,
  opts?: BackupScanOptions,
): Promise<{ summary: BackupSummary } | { problem: string }> {
  const tasks: TaskSummary[] = [];
  const cronJobs: CronJobSummary[] = [];
  const quotas: QuotaSummary[] = [];
  const scan = await scanBackupFile(
    path,
    {
      task: (t) => tasks.push(summarizeTask(t)),
      cronJob: (c) => cronJobs.push(summarizeCronJob(c.jobConfiguration)),
      quota: (q) => quotas.push(summarizeQuota(q)),
    },
    opts,
  );
  if ('problem' in scan) return { problem: scan.problem };
  return { summary: { name, size: scan.size, timestamp: scan.snapshot.timestamp, tasks, cronJobs, quotas } };
}
