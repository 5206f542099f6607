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
  if (parts.length === 0) parts.push('kills no task: the live tasks match the backup');
  const config = configChange(impact);
  if (config) parts.push(config);
  const unread = impact.notCompared?.length
    ? `; not compared: ${impact.notCompared.map((n) => `${PART_NAMES[n.part]} (${n.reason})`).join(', ')}`
    : '';
  return `${parts.join('; ')}; ${age}${unread}`;
}

const PART_NAMES = { cronJobs: 'cron jobs', quotas: 'quotas' } as const;

/** configChange: "1 cron job and 2 quotas change", or undefined when neither does. */
function configChange(impact: RestoreImpact): string | undefined {
  const crons = impact.cronJobs?.count ?? 0;
  const quotas = impact.quotas?.count ?? 0;
  const what = [...(crons ? [plural(crons, 'cron job')] : []), ...(quotas ? [plural(quotas, 'quota')] : [])];
  if (what.length === 0) return undefined;
  return `${what.join(' and ')} ${what.length === 1 && crons + quotas === 1 ? 'changes' : 'change'}`;
}
