// The operator's side of a restore's impact on the 100,000-task backup of bench/backup-decode.ts: parsing the
// agent's summary, summarizing the live tasks and computing the impact, measured in a fresh child process with
// the operator's Node flags (bin/aurora-operator). Part of the backup-decode section of `npm run bench`.
import { execFileSync } from 'node:child_process';
import { CRON_JOBS, TASKS } from './backup-decode.ts';
import { imageNodeFlags } from './image-node-flags.ts';
import type { SectionLine } from './task-read-targets.ts';

/* The child imports CHANGES from here and this module imports backup-decode.ts, which imports this one: nothing
 * at the top level of this module may read backup-decode.ts's constants. */
/** What changed since the backup in the benchmark: every 100th task rescheduled, one new job, a few crons and quotas. */
export const CHANGES = {
  rescheduled: 1000,
  killed: 1000,
  cronChanged: 5,
  cronAdded: 5,
  quotasChanged: 3,
};

export interface ImpactMeasure {
  summaryJsonBytes: number;
  parseMs: number;
  liveMs: number;
  impactMs: number;
  baseRss: number;
  /** RSS above the base after each stage (parse, live rows, impact); the stages never yield, so no peak between */
  parseRssGrowth: number;
  liveRssGrowth: number;
  impactRssGrowth: number;
  /** heap held by the backup's summary, and by the live rows, after a full collection */
  summaryHeapKept: number;
  liveHeapKept: number;
  killed: number;
  rescheduled: number;
  changedJobs: number;
  cronJobs: number;
  quotas: number;
  summary: string;
}

/** Computing the impact must stay well inside the Impact step's 30 s wait and a restore-plan's patience. */
const IMPACT_MS_TARGET = 5_000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function judge(m: ImpactMeasure): SectionLine[] {
  const label = `impact of ${TASKS.toLocaleString('en')} tasks, ${CRON_JOBS} cron jobs`;
  const right =
    m.killed === CHANGES.killed &&
    m.rescheduled === CHANGES.rescheduled &&
    m.changedJobs === 0 &&
    m.cronJobs === CHANGES.cronChanged + CHANGES.cronAdded &&
    m.quotas === CHANGES.quotasChanged;
  return [
    {
      status: right && m.impactMs <= IMPACT_MS_TARGET ? 'ok' : 'MISS',
      name: `${label}: computeImpact`,
      measured: `${s(m.impactMs)}; ${m.summary}`,
      target: `≤ ${s(IMPACT_MS_TARGET)}, ${CHANGES.killed} killed, ${CHANGES.rescheduled} rescheduled`,
    },
    {
      status: 'info',
      name: `${label}: operator parse of the summary, live rows`,
      measured: `${s(m.parseMs)} for ${mib(m.summaryJsonBytes)} JSON; ${s(m.liveMs)} to digest the live tasks`,
      target: '',
    },
    {
      status: 'info',
      name: `${label}: operator RSS growth after parse, live rows, impact; heap kept`,
      measured:
        `${mib(m.parseRssGrowth)}, ${mib(m.liveRssGrowth)}, ${mib(m.impactRssGrowth)} over ${mib(m.baseRss)}; ` +
        `summary ${mib(m.summaryHeapKept)}, live rows ${mib(m.liveHeapKept)}`,
      target: '',
    },
  ];
}

/** impactSection measures the impact against the summary JSON the decode child wrote. */
export function impactSection(summaryPath: string): SectionLine[] {
  try {
    const measure = new URL('./restore-impact-measure.ts', import.meta.url).pathname;
    const flags = ['--expose-gc', ...imageNodeFlags()];
    const out = execFileSync(process.execPath, [...flags, measure, summaryPath], { encoding: 'utf8' });
    return judge(JSON.parse(out) as ImpactMeasure);
  } catch (err) {
    const measured = err instanceof Error ? err.message : String(err);
    return [{ status: 'MISS', name: 'restore impact: measurement', measured, target: 'completed' }];
  }
}
