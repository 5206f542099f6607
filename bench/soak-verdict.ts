// The soak's invariants as pure checks: each returns the violations it finds, as sentences for the summary.

export interface RestoreOutcome {
  name: string;
  strategy: string;
  backupId: string;
  /** 'Stuck' when neither Succeeded nor Failed within the restore's time limit */
  phase: 'Succeeded' | 'Failed' | 'Stuck';
  error?: string;
  /** the task ids the leader held when the backup was written */
  expected: readonly string[];
  /** the task ids read through Thrift after the restore; undefined when they could not be read */
  actual?: readonly string[];
  /** the nemesis injects no terminal fault, so any Failed restore is a violation unless this is set */
  terminalInjected?: boolean;
}

export function restoreViolations(o: RestoreOutcome): string[] {
  if (o.phase === 'Failed') {
    return o.terminalInjected
      ? []
      : [`restore ${o.name} (${o.strategy}) Failed for a transient cause: ${o.error ?? 'no message'}`];
  }
  if (o.phase === 'Stuck') return [`restore ${o.name} (${o.strategy}) neither Succeeded nor Failed`];
  if (o.actual === undefined) return [`restore ${o.name}: the tasks could not be read after it Succeeded`];
  const missing = o.expected.filter((t) => !o.actual?.includes(t));
  const extra = o.actual.filter((t) => !o.expected.includes(t));
  if (missing.length === 0 && extra.length === 0) return [];
  return [
    `restore ${o.name} of ${o.backupId}: ${o.actual.length} tasks instead of the backup's ${o.expected.length}` +
      ` (${missing.length} missing, ${extra.length} not in the backup)`,
  ];
}

export interface Recovery {
  /** what was injected, e.g. "kill-leader example-1" or "restore soak-2 (Staged)" */
  what: string;
  /** seconds from the fault's end to a Ready cluster; undefined when it never came back */
  seconds?: number;
}

export function recoveryViolations(recoveries: readonly Recovery[], boundS: number): string[] {
  return recoveries.flatMap((r) => {
    if (r.seconds === undefined) return [`${r.what}: the cluster never became Ready again`];
    return r.seconds > boundS ? [`${r.what}: Ready again after ${r.seconds.toFixed(1)} s > ${boundS} s`] : [];
  });
}

export interface RestartCount {
  /** operator container restarts seen since the soak started (all pods) */
  observed: number;
  /** restarts the nemesis caused: its operator kills and apiserver outages beyond the Lease renew deadline */
  caused: number;
  /** operator pods that were replaced or disappeared (their restarts cannot be counted) */
  replacedPods: readonly string[];
}

/**
 * leaseLossPossible: the leader counts its outage from its last renewal, up to one retry period before the apiserver
 * went down, and exits by design once the renew deadline has passed without one.
 */
export function leaseLossPossible(
  downMs: number,
  timing: { renewDeadlineMs: number; retryPeriodMs: number },
): boolean {
  return downMs + timing.retryPeriodMs >= timing.renewDeadlineMs;
}

export function restartViolations(c: RestartCount): string[] {
  const out: string[] = [];
  if (c.observed > c.caused)
    out.push(
      `the operator restarted ${c.observed - c.caused} time(s) on its own (${c.observed} seen, ${c.caused} caused)`,
    );
  if (c.replacedPods.length) out.push(`operator pods replaced: ${c.replacedPods.join(', ')}`);
  return out;
}

export interface RssSample {
  /** epoch seconds of the sample */
  atS: number;
  pod: string;
  /** the process's start time (epoch seconds), which tells one process from its restart */
  startS: number;
  bytes: number;
}

export interface RssWindow {
  start?: RssSample;
  end?: RssSample;
  /** why there is no judgement, when start or end is missing */
  reason?: string;
}

/**
 * rssWindow: the last sample's process, from its first sample taken at least settleS after both the soak's start
 * and the process's own start (caches filled, the heap past its first growth) to its last sample.
 */
export function rssWindow(samples: readonly RssSample[], soakStartS: number, settleS = 60): RssWindow {
  const end = samples.at(-1);
  if (!end) return { reason: 'no sample of the leading operator' };
  const same = samples.filter((s) => s.pod === end.pod && s.startS === end.startS);
  const from = Math.max(soakStartS, end.startS) + settleS;
  const start = same.find((s) => s.atS >= from);
  if (!start || start === end)
    return { end, reason: `the leading operator ran only ${Math.round(end.atS - end.startS)} s` };
  return { start, end };
}

export function rssViolations(w: RssWindow, tolerance: number): string[] {
  if (!w.start || !w.end) return [];
  const growth = w.end.bytes / w.start.bytes - 1;
  return growth > tolerance
    ? [`operator RSS grew ${(growth * 100).toFixed(1)} % (> ${(tolerance * 100).toFixed(0)} %)`]
    : [];
}
