// The operator's memory reclaim pauses as the fleet benchmark reports them: p50 and p99 estimated from the
// aurora_operator_memory_reclaim_pause_seconds histogram in /metrics text, as Prometheus' histogram_quantile does.

const METRIC = 'aurora_operator_memory_reclaim_pause_seconds';

export interface Bucket {
  le: number;
  /** cumulative count of observations <= le */
  count: number;
}

export interface PauseHistogram {
  buckets: Bucket[];
  count: number;
  sum: number;
}

/** parsePauseHistogram reads the histogram from /metrics text; undefined when the operator does not export it */
export function parsePauseHistogram(metrics: string): PauseHistogram | undefined {
  const buckets = [...metrics.matchAll(new RegExp(`^${METRIC}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map(
    (m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }),
  );
  const count = new RegExp(`^${METRIC}_count (\\S+)$`, 'm').exec(metrics)?.[1];
  const sum = new RegExp(`^${METRIC}_sum (\\S+)$`, 'm').exec(metrics)?.[1];
  if (buckets.length === 0 || count === undefined || sum === undefined) return undefined;
  return { buckets: buckets.sort((a, b) => a.le - b.le), count: Number(count), sum: Number(sum) };
}

/**
 * histogramQuantile interpolates linearly inside the bucket that holds the q-th observation (q in 0..1); in the
 * +Inf bucket it answers the highest finite bound. NaN without observations.
 */
export function histogramQuantile(h: PauseHistogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      const inBucket = b.count - below;
      return inBucket === 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

/** one line of text: how many pauses, their p50, p99 and mean */
export function describePauses(metrics: string): string {
  const h = parsePauseHistogram(metrics);
  if (!h) return 'not reported';
  if (h.count === 0) return 'no reclaim ran';
  const ms = (seconds: number): string => `${Math.round(seconds * 1000)} ms`;
  const p50 = ms(histogramQuantile(h, 0.5));
  const p99 = ms(histogramQuantile(h, 0.99));
  return `${h.count} pauses: p50 ${p50}, p99 ${p99} (bucket estimates), mean ${ms(h.sum / h.count)}`;
}
