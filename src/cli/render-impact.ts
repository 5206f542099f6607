// A restore's impact as plain text, for restore-plan and for diagnose's section on a pending restore.
import type {
  CronJobsDiff,
  ImpactTasks,
  NotCompared,
  QuotasDiff,
  RestoreImpact,
} from '../api/restore-impact.ts';

function tasksBlock(title: string, t: ImpactTasks | undefined): string[] {
  if (!t || t.count === 0) return [`${title}: none`];
  const width = Math.max(3, ...Object.keys(t.byJob).map((j) => j.length));
  const rows = Object.entries(t.byJob).map(([job, n]) => `    ${job.padEnd(width)}  ${n}`);
  const more = t.jobs > rows.length ? [`    … ${t.jobs - rows.length} more jobs`] : [];
  const ids = t.count > t.taskIds.length ? `${t.taskIds.join(', ')}, …` : t.taskIds.join(', ');
  return [
    `${title}: ${t.count} tasks in ${t.jobs} jobs`,
    `    ${'JOB'.padEnd(width)}  TASKS`,
    ...rows,
    ...more,
    `  by role: ${Object.entries(t.byRole)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ')}`,
    `  task ids: ${ids}`,
  ];
}

function cronBlock(d: CronJobsDiff | undefined, unread: NotCompared | undefined): string[] {
  if (unread || !d) return [`Cron jobs: not compared (${unread?.reason ?? 'not read'})`];
  if (d.count === 0) return ['Cron jobs: no change'];
  const part = (label: string, list: CronJobsDiff['added']) => {
    const more = list.count > list.jobs.length ? `, … ${list.count - list.jobs.length} more` : '';
    return list.count ? [`  ${label} (${list.count}): ${list.jobs.join(', ')}${more}`] : [];
  };
  return [
    `Cron jobs: ${d.count} change`,
    ...part('scheduled since the backup (removed by the restore)', d.added),
    ...part('descheduled since (brought back)', d.removed),
    ...part('schedule or task config changed (reverted)', d.changed),
  ];
}

function quotaBlock(d: QuotasDiff | undefined, unread: NotCompared | undefined): string[] {
  if (unread || !d) return [`Quotas: not compared (${unread?.reason ?? 'not read'})`];
  if (d.count === 0) return ['Quotas: no change'];
  const width = Math.max(4, ...d.changed.map((q) => q.role.length));
  const backupWidth = Math.max(6, ...d.changed.map((q) => q.backup.length));
  const more = d.count > d.changed.length ? [`    … ${d.count - d.changed.length} more roles`] : [];
  return [
    `Quotas: ${d.count} change (the restore sets the backup's)`,
    `    ${'ROLE'.padEnd(width)}  ${'BACKUP'.padEnd(backupWidth)}  LIVE`,
    ...d.changed.map((q) => `    ${q.role.padEnd(width)}  ${q.backup.padEnd(backupWidth)}  ${q.live}`),
    ...more,
  ];
}

/** renderImpact: the summary line first, then each kind of change; an unknown impact says why. */
export function renderImpact(impact: RestoreImpact, indent = ''): string {
  const lines = [`Impact: ${impact.summary ?? ''}`];
  if (impact.known) {
    lines.push(
      `Compared: ${impact.backupTasks ?? 0} active tasks in the backup, ${impact.liveTasks ?? 0} live` +
        (impact.leader ? ` (read from ${impact.leader})` : ''),
      ...tasksBlock('Killed (created after the backup)', impact.killed),
      ...tasksBlock('Rescheduled since (killed and re-created)', impact.rescheduled),
      `Jobs whose configuration the restore reverts: ${
        impact.changedJobs?.count
          ? `${impact.changedJobs.count} (${impact.changedJobs.jobs.join(', ')})`
          : 'none'
      }`,
      ...cronBlock(
        impact.cronJobs,
        impact.notCompared?.find((n) => n.part === 'cronJobs'),
      ),
      ...quotaBlock(
        impact.quotas,
        impact.notCompared?.find((n) => n.part === 'quotas'),
      ),
    );
  }
  return lines.map((l) => `${indent}${l}\n`).join('');
}
