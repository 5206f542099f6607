// The impact of a restore in one line for people: the AwaitingApproval message, its event, restore-plan and
// diagnose all show it, e.g. "will kill 37 tasks in 4 jobs created after the backup; backup age 2h10m".
import type { RestoreImpact } from '../api/restore-impact.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function summarizeImpact(impact: RestoreImpact): string {
  const age = impact.backupAge ? `backup age ${impact.backupAge}` : 'backup age unknown';
  // an unread scheduler is not an empty one: say so rather than "kills nothing"
  if (!impact.known) return `impact unknown (${impact.reason ?? 'the live scheduler was not read'}); ${age}`;
  const parts: string[] = [];
  const killed = impact.killed;
  if (killed?.count) {
    parts.push(
      `will kill ${plural(killed.count, 'task')} in ${plural(killed.jobs, 'job')} created after the backup`,
    );
  }
  if (impact.rescheduled?.count) {
    parts.push(`${plural(impact.rescheduled.count, 'task')} rescheduled since (killed and re-created)`);
  }
  if (impact.changedJobs?.count) {
    parts.push(`${plural(impact.changedJobs.count, 'job')} back to the backup's configuration`);
  }
  if (impact.cronJobs?.count) parts.push(`${plural(impact.cronJobs.count, 'cron job')} differ`);
  if (impact.quotas?.count) parts.push(`${plural(impact.quotas.count, 'quota')} differ`);
  if (parts.length === 0) parts.push('kills no task: the live tasks match the backup');
  const unread = impact.notCompared?.length ? `; not compared: ${impact.notCompared.join(', ')}` : '';
  return `${parts.join('; ')}; ${age}${unread}`;
}
