// The leading operator's own reconcile counters for the restore controller, scraped before and after a restore,
// to tell time spent inside reconcile passes from time the restore waited in the queue.
import type { BenchEnv } from './restore-aurora.ts';

export interface ReconcileCounters {
  passes: number;
  errors: number;
  seconds: number;
  /** passes longer than 1 s (histogram buckets) */
  slowPasses: number;
}

const CONTROLLER = 'controller="aurorarestore"';

/** parseCounters: the restore controller's counters from a Prometheus text exposition. */
export function parseCounters(text: string): ReconcileCounters {
  const value = (line: string): number => Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  const lines = text.split('\n').filter((l) => l.includes(CONTROLLER));
  const sum = (prefix: string): number =>
    lines.filter((l) => l.startsWith(prefix)).reduce((a, l) => a + value(l), 0);
  const bucket = lines.find(
    (l) => l.startsWith('aurora_operator_reconcile_duration_seconds_bucket') && l.includes('le="1"'),
  );
  const count = sum('aurora_operator_reconcile_duration_seconds_count');
  return {
    passes: count,
    errors: sum('aurora_operator_reconcile_errors_total'),
    seconds: sum('aurora_operator_reconcile_duration_seconds_sum'),
    slowPasses: count - (bucket ? value(bucket) : count),
  };
}

export function diffCounters(a: ReconcileCounters, b: ReconcileCounters): ReconcileCounters {
  return {
    passes: b.passes - a.passes,
    errors: b.errors - a.errors,
    seconds: Math.round((b.seconds - a.seconds) * 100) / 100,
    slowPasses: b.slowPasses - a.slowPasses,
  };
}

/** scrapeLeader: the counters of the operator replica that leads, or undefined when none answers. */
export async function scrapeLeader(env: BenchEnv, namespace = 'aurora-operator', port = 8080) {
  const pods = JSON.parse(await env.kubectl(['-n', namespace, 'get', 'pods', '-o', 'json'])) as {
    items: Array<{ status?: { podIP?: string } }>;
  };
  for (const p of pods.items) {
    if (!p.status?.podIP) continue;
    const text = await fetch(`http://${p.status.podIP}:${port}/metrics`, {
      signal: AbortSignal.timeout(3000),
    })
      .then((r) => r.text())
      .catch(() => '');
    if (/^aurora_operator_leader 1$/m.test(text)) return parseCounters(text);
  }
  return undefined;
}
