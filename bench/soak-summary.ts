// The soak's printed summary: faults by kind, restores, recovery times, operator memory and restarts, the load,
// and the final `soak: ok` or `soak: FAILED <reasons>` line.
import { percentile } from './fleet-stats.ts';
import type { Recovery, RssWindow } from './soak-verdict.ts';

export interface SoakTotals {
  seed: number;
  plannedMinutes: number;
  ranSeconds: number;
  faults: ReadonlyMap<string, number>;
  restores: { run: number; succeeded: number; byStrategy: ReadonlyMap<string, number>; withFault: number };
  recoveries: readonly Recovery[];
  boundS: number;
  rss: RssWindow;
  rssTolerance: number;
  restarts: { observed: number; caused: number };
  stackTraces: number;
  jobs: { created: number; failed: number };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function counts(map: ReadonlyMap<string, number>): string {
  const entries = [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([k, n]) => `${k}=${n}`).join(' ') : 'none';
}

function rssLine(w: RssWindow, tolerance: number): string {
  if (!w.start || !w.end) return `operator RSS: not judged (${w.reason ?? 'no samples'})`;
  const growth = (w.end.bytes / w.start.bytes - 1) * 100;
  const minutes = ((w.end.atS - w.start.atS) / 60).toFixed(1);
  return (
    `operator RSS (${w.end.pod}, one process over ${minutes} min): start ${mib(w.start.bytes)}, ` +
    `end ${mib(w.end.bytes)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %, bound +${tolerance * 100} %)`
  );
}

export function summaryLines(t: SoakTotals): string[] {
  const times = t.recoveries.flatMap((r) => (r.seconds === undefined ? [] : [r.seconds]));
  const faultTotal = [...t.faults.values()].reduce((a, b) => a + b, 0);
  const never = t.recoveries.length - times.length;
  return [
    `seed ${t.seed}, ${t.plannedMinutes} min planned, ${(t.ranSeconds / 60).toFixed(1)} min of nemesis run`,
    `faults injected: ${faultTotal} (${counts(t.faults)})`,
    `restores: ${t.restores.run} run (${counts(t.restores.byStrategy)}; ${t.restores.withFault} with a fault ` +
      `in the middle), ${t.restores.succeeded} succeeded with the backup's tasks`,
    times.length
      ? `recovery to Ready: ${times.length} measured, p50 ${percentile(times, 50).toFixed(1)} s, ` +
        `max ${Math.max(...times).toFixed(1)} s (bound ${t.boundS} s)${never ? `, ${never} never` : ''}`
      : `recovery to Ready: none measured${never ? `, ${never} never` : ''}`,
    rssLine(t.rss, t.rssTolerance),
    `operator restarts: ${t.restarts.observed} (${t.restarts.caused} caused by the nemesis); ` +
      `log lines with a stack trace: ${t.stackTraces}`,
    `jobs created through Thrift: ${t.jobs.created} (${t.jobs.failed} calls refused or failed during faults)`,
  ];
}

export function finalLine(violations: readonly string[]): string {
  return violations.length === 0 ? 'soak: ok' : `soak: FAILED ${violations.join('; ')}`;
}
