// Pure parts of the task-read benchmark: how tasks are spread over jobs, and each measurement against its target.
import type { PassMeasure } from './task-read-pass.ts';
import { MAX_TASKS_READ } from '../src/diagnostics/task-read-plan.ts';

export interface SectionLine {
  status: 'ok' | 'MISS' | 'info';
  name: string;
  measured: string;
  target: string;
}

/** a read may use at most this share of its timeout, so a slower machine or a busier leader still fits */
export const MAX_TIMEOUT_SHARE = 0.5;

/** splitInstances spreads total instances over at most `jobs` jobs, the first ones one larger. */
export function splitInstances(total: number, jobs: number): number[] {
  const count = Math.max(1, Math.min(jobs, total));
  return Array.from(
    { length: count },
    (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0),
  ).filter((n) => n > 0);
}

const n = (v: number): string => Math.round(v).toLocaleString('en');
const ms = (v: number): string => `${v.toFixed(0)} ms`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const check = (ok: boolean): 'ok' | 'MISS' => (ok ? 'ok' : 'MISS');

/** quietLines judges a pass over a leader without FAILED or LOST tasks: no read at all, the rule still answers. */
export function quietLines(label: string, m: PassMeasure): SectionLine[] {
  return [
    {
      status: check(m.reads === 0),
      name: `${label}, none failed: task reads`,
      measured: n(m.reads),
      target: '0',
    },
    { status: 'info', name: `${label}, none failed: pass time`, measured: ms(m.passMs), target: '' },
    {
      status: check(m.reason === 'NoLaunchFailures'),
      name: `${label}, none failed: ExecutorHealthy`,
      measured: m.reason,
      target: 'NoLaunchFailures',
    },
  ];
}

/** failingLines judges a pass over a leader with FAILED tasks: one bounded read that finds the crash. */
export function failingLines(label: string, m: PassMeasure): SectionLine[] {
  const name = (what: string): string => `${label}: ${what}`;
  const total = m.counts?.total;
  const lines: SectionLine[] = [
    { status: check(m.reads === 1), name: name('task reads'), measured: n(m.reads), target: '1' },
  ];
  if (!m.plan || total === undefined) {
    lines.push({
      status: 'MISS',
      name: name('read plan'),
      measured: 'no task counts in /vars',
      target: 'counts',
    });
    return lines;
  }
  // above the cap the read is cut on purpose and the rule must say it cannot tell
  const cut = total > MAX_TASKS_READ;
  lines.push({
    status: check(cut ? m.plan.limit === MAX_TASKS_READ : m.plan.limit >= total),
    name: name('read limit'),
    measured: `${n(m.plan.limit)} (task count ${n(total)})`,
    target: cut ? `= ${n(MAX_TASKS_READ)} (the cap)` : `≥ ${n(total)}`,
  });
  const ratio = m.readMs === undefined ? Infinity : m.readMs / m.plan.timeoutMs;
  lines.push({
    status: check(!m.error && ratio <= MAX_TIMEOUT_SHARE),
    name: name('read time / timeout'),
    measured:
      m.readMs === undefined
        ? `no answer${m.error ? `: ${m.error}` : ''}`
        : `${ms(m.readMs)} / ${ms(m.plan.timeoutMs)} = ${ratio.toFixed(2)}`,
    target: `≤ ${MAX_TIMEOUT_SHARE} of the timeout`,
  });
  lines.push(
    {
      status: 'info',
      name: name('response, tasks read'),
      measured: `${mib(m.responseBytes ?? 0)}, ${n(m.tasksRead ?? 0)}`,
      target: '',
    },
    { status: 'info', name: name('heap growth of the pass'), measured: mib(m.heapGrowthBytes), target: '' },
    { status: 'info', name: name('pass time'), measured: ms(m.passMs), target: '' },
    {
      status: check(m.reason === (cut ? 'TaskReadTruncated' : 'ExecutorCrashing')),
      name: name('ExecutorHealthy'),
      measured: m.reason,
      target: cut ? 'TaskReadTruncated' : 'ExecutorCrashing',
    },
  );
  return lines;
}

/** formatLine prints `ok`/`MISS`/`info`, the name, then `measured / target`. */
export function formatLine(l: SectionLine): string {
  return `${l.status.padEnd(4)} ${l.name.padEnd(60)} ${l.measured}${l.target ? ` / ${l.target}` : ''}`;
}
