// A restore's impact as plain text, for restore-plan and for diagnose's section on a pending restore.
import type { ImpactTasks, RestoreImpact, SideDiff } from '../api/restore-impact.ts';

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

function sideBlock(title: string, d: SideDiff | undefined, notCompared: boolean): string[] {
  if (notCompared) return [`${title}: not compared (not read from the live scheduler)`];
  if (!d || d.count === 0) return [`${title}: no difference`];
  const part = (label: string, list: readonly string[]) =>
    list.length ? [`  ${label}: ${list.join(', ')}`] : [];
  return [
    `${title}: ${d.count} differ`,
    ...part('only live (removed by the restore)', d.onlyLive),
    ...part('only in the backup (brought back)', d.onlyInBackup),
    ...part('changed', d.changed),
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
      ...sideBlock('Cron jobs', impact.cronJobs, impact.notCompared?.includes('cronJobs') ?? false),
      ...sideBlock('Quotas', impact.quotas, impact.notCompared?.includes('quotas') ?? false),
    );
  }
  return lines.map((l) => `${indent}${l}\n`).join('');
}
