// The highest RSS while some asynchronous work runs, sampled every few milliseconds (work that never yields is
// seen only at its end), for the benchmark children that measure one process.
import { performance } from 'node:perf_hooks';

export async function peakRss<T>(
  work: () => Promise<T> | T,
): Promise<{ value: T; ms: number; peak: number }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const start = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - start, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(sampler);
  }
}
