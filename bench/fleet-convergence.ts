// Convergence: every cluster created at once, waited for until Ready, and what that cost the operator (CPU, API
// requests from the audit log) and the processes that run the pods.
import { auditOffset, countAuditLog, fleetIndependent, total } from './fleet-audit.ts';
import { createClusters, readTimings, waitAllReady } from './fleet-clusters.ts';
import { leaderMetrics, metricValue, processCpuSeconds, type FleetEnv } from './fleet-env.ts';
import { atLeast, fmt, formatCounts, info, type ResultLine } from './fleet-report.ts';
import { percentile } from './fleet-stats.ts';
import type { FleetOptions } from './fleet-args.ts';

export const SHARE_TARGET = 0.5;

export interface Converged {
  clusters: string[];
  ready: string[];
  lines: ResultLine[];
}

/** CPU seconds of the processes that run pods: the pod runtime, and the fleet host when fleet mode runs one */
export function podHostCpu(env: FleetEnv): Record<string, number | undefined> {
  return {
    'pod-runtime': processCpuSeconds(env.state.pids['pod-runtime']),
    'fleet-host': processCpuSeconds(env.state.pids['fleet-host']),
  };
}

/** one info line per pod-hosting process present, with the CPU seconds it used between two readings */
export function podHostLines(
  what: string,
  before: Record<string, number | undefined>,
  after: Record<string, number | undefined>,
): ResultLine[] {
  return Object.entries(after).flatMap(([name, end]) => {
    const start = before[name];
    if (end === undefined || start === undefined) return [];
    return [info(`${name} CPU ${what}`, `${fmt(end - start)} s`)];
  });
}

export function readyTimeoutMs(n: number): number {
  return 120_000 + 6000 * n;
}

export async function converge(
  env: FleetEnv,
  opts: FleetOptions,
  progress: (m: string) => void,
): Promise<Converged> {
  const cpuBefore = metricValue(await leaderMetrics(env), 'process_cpu_seconds_total');
  const hostsBefore = podHostCpu(env);
  const offset = auditOffset(env.auditLog);
  const fromMs = Date.now();
  progress(`creating ${opts.clusters} clusters × ${opts.replicas} replicas`);
  const clusters = await createClusters(env, opts.clusters, opts.replicas);
  const timeoutMs = readyTimeoutMs(opts.clusters);
  progress(`waiting up to ${timeoutMs / 1000} s for all Ready`);
  const ready = await waitAllReady(env, clusters.length, timeoutMs);
  const toMs = Date.now();
  const cpuAfter = metricValue(await leaderMetrics(env), 'process_cpu_seconds_total');
  const hostsAfter = podHostCpu(env);
  const requests = await countAuditLog(env.auditLog, offset, { fromMs, toMs });
  const timings = await readTimings(env);
  const totals = timings.map((t) => t.totalSeconds);
  const n = Math.max(1, clusters.length);
  // the Lease is renewed however many clusters there are: not charged to them
  const perCluster = (total(requests) - total(fleetIndependent(requests))) / n;
  const lines: ResultLine[] = [
    atLeast('clusters Ready within the timeout', ready.length, clusters.length),
    info('create to all Ready (wall)', `${fmt((toMs - fromMs) / 1000)} s`),
    info(
      'time to Ready per cluster',
      `p50 ${fmt(percentile(totals, 50))} s  p90 ${fmt(percentile(totals, 90))} s  max ${fmt(percentile(totals, 100))} s`,
    ),
    atLeast(
      'scheduler share of time to Ready, median',
      percentile(
        timings.map((t) => t.share),
        50,
      ),
      SHARE_TARGET,
    ),
    info(
      'scheduler share p10 / p90',
      `${fmt(
        percentile(
          timings.map((t) => t.share),
          10,
        ),
      )} / ${fmt(
        percentile(
          timings.map((t) => t.share),
          90,
        ),
      )}`,
    ),
    info(
      'operator CPU per cluster (convergence)',
      `${fmt((cpuAfter - cpuBefore) / n)} s (total ${fmt(cpuAfter - cpuBefore)} s)`,
    ),
    info(
      'operator API requests per cluster (convergence)',
      `${fmt(perCluster)} (all ${total(requests)}, Lease included)`,
    ),
    info('  by verb and resource', formatCounts(requests)),
    ...podHostLines('(convergence)', hostsBefore, hostsAfter),
  ];
  return { clusters, ready, lines };
}
