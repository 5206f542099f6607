// The child of the backup-decode benchmark: in a fresh process, as the agent sidecar is, it checks and then
// summarizes one backup file and prints the time and the memory each took as one JSON line; given a second path it
// writes the summary there as the agent would send it.
import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import { checkBackupFile } from '../src/agent/backup-check.ts';
import { summarizeBackupFile } from '../src/agent/backup-summary-file.ts';
import { peakRss } from './peak-rss.ts';

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

const [path, summaryOut] = process.argv.slice(2);
if (!path || !globalThis.gc)
  throw new Error(
    'usage: node --expose-gc bench/backup-decode-measure.ts <backup file> [<summary JSON out>]',
  );
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
// the summary as the agent sends it, for the operator-side impact benchmark (bench/restore-impact-measure.ts)
if (summaryOut && result) writeFileSync(summaryOut, JSON.stringify(result));
process.stdout.write(`${JSON.stringify(measure)}\n`);
