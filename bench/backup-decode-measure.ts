// The child of the backup-decode benchmark: in a fresh process, as the agent sidecar is, it checks and then
// summarizes one backup file and prints the time and the memory each took as one JSON line.
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkBackupFile } from '../src/agent/backup-check.ts';
import { summarizeBackupFile } from '../src/agent/backup-summary-file.ts';

export interface DecodeMeasure {
  checkMs: number;
  checkTasks: number;
  checkVerdict: string;
  summaryMs: number;
  summaryTasks: number;
  summaryJsonBytes: number;
  baseRss: number;
  /** the highest RSS while checking, and while summarizing, above the base */
  checkRssGrowth: number;
  summaryRssGrowth: number;
  /** heap still held by the summary after a full collection */
  summaryHeapKept: number;
}

/** peakRss samples RSS every few milliseconds while `work` runs; the decode yields at every read. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peak: number }> {
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

const path = process.argv[2];
if (!path || !globalThis.gc)
  throw new Error('usage: node --expose-gc bench/backup-decode-measure.ts <backup file>');
const name = basename(path);
globalThis.gc();
const baseRss = process.memoryUsage.rss();
const baseHeap = process.memoryUsage().heapUsed;
const check = await peakRss(() => checkBackupFile(name, path));
globalThis.gc();
const summary = await peakRss(() => summarizeBackupFile(name, path));
globalThis.gc();
const kept = process.memoryUsage().heapUsed - baseHeap;
const result = 'summary' in summary.value ? summary.value.summary : undefined;
const measure: DecodeMeasure = {
  checkMs: check.ms,
  checkTasks: check.value.tasks ?? 0,
  checkVerdict: check.value.verdict,
  summaryMs: summary.ms,
  summaryTasks: result?.tasks.length ?? 0,
  summaryJsonBytes: result ? Buffer.byteLength(JSON.stringify(result)) : 0,
  baseRss,
  checkRssGrowth: check.peak - baseRss,
  summaryRssGrowth: summary.peak - baseRss,
  summaryHeapKept: kept,
};
process.stdout.write(`${JSON.stringify(measure)}\n`);
