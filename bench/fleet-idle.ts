// Idle: after every cluster is Ready and the statuses settled, what the operator asks of the API server over a
// window (from the audit log), then its memory.
import { setTimeout as sleep } from 'node:timers/promises';
import { auditOffset, clusterWrites, countAuditLog, fleetIndependent, lists, total } from './fleet-audit.ts';
import { waitSettled } from './fleet-clusters.ts';
import { podHostCpu, podHostLines } from './fleet-convergence.ts';
import { counterSum, leaderMetrics, metricValue } from './fleet-env.ts';
import { atMost, fmt, formatCounts, info, type ResultLine } from './fleet-report.ts';
import type { FleetContext } from './fleet-sections.ts';

const SETTLE_QUIET_MS = 20_000;
const RSS_TARGET_MIB = 150;
const RSS_JUDGED_FROM = 100;
const MIB = 1048576;
// the leader's RSS is also sampled through the window, so a single low or high moment cannot decide the verdict
const RSS_SAMPLE_MS = 10_000;

const passes = (metrics: string): number =>
  counterSum(metrics, 'aurora_operator_reconcile_total', 'controller="auroracluster"');

export async function idleSection(ctx: FleetContext): Promise<ResultLine[]> {
  const { env, opts } = ctx;
  ctx.progress('waiting for the statuses to settle');
  const settledMs = await waitSettled(env, SETTLE_QUIET_MS, 180_000 + 1000 * ctx.clusters.length);
  const metricsBefore = await leaderMetrics(env);
  const hostsBefore = podHostCpu(env);
  const offset = auditOffset(env.auditLog);
  const fromMs = Date.now();
  ctx.progress(`idle window of ${opts.idleSeconds} s`);
  const rssSamples: number[] = [];
  const endMs = fromMs + opts.idleSeconds * 1000;
  while (Date.now() + RSS_SAMPLE_MS <= endMs) {
    await sleep(RSS_SAMPLE_MS);
    const metrics = await leaderMetrics(env).catch(() => undefined);
    if (metrics) rssSamples.push(metricValue(metrics, 'process_resident_memory_bytes') / MIB);
  }
  await sleep(Math.max(0, endMs - Date.now()));
  const toMs = Date.now();
  const metricsAfter = await leaderMetrics(env);
  const hostsAfter = podHostCpu(env);
  const counts = await countAuditLog(env.auditLog, offset, { fromMs, toMs });
  const writes = clusterWrites(counts);
  const listed = lists(counts);
  const hours = (toMs - fromMs) / 3_600_000;
  const perClusterHour = total(writes) / Math.max(1, ctx.ready.length) / Math.max(hours, 1e-9);
  const cpu = (m: string): number => metricValue(m, 'process_cpu_seconds_total');
  return [
    info('settle before the idle window', `${fmt(settledMs / 1000)} s`),
    atMost('idle writes per cluster per hour', perClusterHour, 0),
    info('  idle writes by verb and resource', formatCounts(writes)),
    atMost('idle list calls (watches excluded)', total(listed), 0),
    info('  idle lists by resource', formatCounts(listed)),
    info('idle Lease requests (leader election, per fleet)', formatCounts(fleetIndependent(counts))),
    info('idle operator requests, all', `${total(counts)}: ${formatCounts(counts)}`),
    info('cluster passes in the idle window', fmt(passes(metricsAfter) - passes(metricsBefore))),
    info('operator CPU (idle window)', `${fmt(cpu(metricsAfter) - cpu(metricsBefore))} s`),
    ...podHostLines('(idle window)', hostsBefore, hostsAfter),
    ...memoryLines(metricsAfter, ctx.clusters.length),
    ...idleRssLines(rssSamples, ctx.clusters.length),
  ];
}

/** the highest of the window's samples is judged like the final one: the target holds through the window */
function idleRssLines(samples: number[], clusters: number): ResultLine[] {
  if (samples.length === 0) return [info('leading operator RSS in the idle window', 'not sampled')];
  const max = Math.max(...samples);
  const what = `leading operator RSS in the idle window, max of ${samples.length}`;
  return [
    clusters >= RSS_JUDGED_FROM ? atMost(what, max, RSS_TARGET_MIB, ' MiB') : info(what, `${fmt(max)} MiB`),
    info('  min of the samples', `${fmt(Math.min(...samples))} MiB`),
  ];
}

/** RSS is judged only at fleet scale: a handful of clusters says nothing about the target */
export function memoryLines(metrics: string, clusters: number): ResultLine[] {
  const rss = metricValue(metrics, 'process_resident_memory_bytes') / MIB;
  const heap = metricValue(metrics, 'nodejs_heap_size_used_bytes') / MIB;
  const rssLine =
    clusters >= RSS_JUDGED_FROM
      ? atMost('leading operator RSS after idle', rss, RSS_TARGET_MIB, ' MiB')
      : info('leading operator RSS after idle', `${fmt(rss)} MiB (judged from ${RSS_JUDGED_FROM} clusters)`);
  return [rssLine, info('leading operator heap used after idle', `${fmt(heap)} MiB`)];
}
