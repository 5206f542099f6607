// Records when each container run's output arrived (`<run>.times` beside `<run>.log`: "<end offset> <epoch ms>"
// lines), because containers write their log files directly and the files carry no time per line.
import fs from 'node:fs';
import path from 'node:path';

/** how long after a write the clock looks at the file's size: the granularity of the recorded times */
const SETTLE_MS = 50;

export function timesFileOf(logFile: string): string {
  return logFile.replace(/\.log$/, '.times');
}

/** Watches one run's log file while the run lives; stop() records the last output. */
export function startLogClock(logFile: string, now: () => number = Date.now): { stop(): void } {
  const timesFile = timesFileOf(logFile);
  let seen = 0;
  const check = (): void => {
    try {
      const { size } = fs.statSync(logFile);
      if (size <= seen) return;
      fs.appendFileSync(timesFile, `${size} ${now()}\n`);
      seen = size;
    } catch {
      // the run's directory went away with its pod: nothing left to stamp
    }
  };
  // the clock may start before the process opened its file; appending nothing creates it to watch
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.closeSync(fs.openSync(logFile, 'a'));
  check();
  let timer: NodeJS.Timeout | undefined;
  const watcher = fs.watch(logFile, () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      check();
    }, SETTLE_MS).unref();
  });
  watcher.on('error', () => watcher.close());
  // a running container's clock must not keep a stopping runtime alive
  watcher.unref();
  return {
    stop: () => {
      watcher.close();
      if (timer) clearTimeout(timer);
      check();
    },
  };
}

/** One recorded arrival: the output before `end` had arrived by `ms`. */
export interface Arrival {
  end: number;
  ms: number;
}

export function readArrivals(timesFile: string): Arrival[] {
  if (!fs.existsSync(timesFile)) return [];
  return fs
    .readFileSync(timesFile, 'utf8')
    .split('\n')
    .map((line) => line.split(' ').map(Number))
    .filter((p): p is [number, number] => p.length === 2 && p.every(Number.isFinite))
    .map(([end, ms]) => ({ end, ms }));
}

/** When the byte at `offset` arrived; output past the last record is dated `fallbackMs` (the file's mtime). */
export function arrivalOf(arrivals: readonly Arrival[], offset: number, fallbackMs: number): number {
  let lo = 0;
  let hi = arrivals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arrivals[mid]!.end > offset) hi = mid;
    else lo = mid + 1;
  }
  return arrivals[lo]?.ms ?? fallbackMs;
}

/** The first offset whose output arrived at or after `sinceMs` (`size` when none did). */
export function sinceOffset(
  arrivals: readonly Arrival[],
  sinceMs: number,
  size: number,
  fallbackMs: number,
): number {
  const first = arrivals.findIndex((a) => a.ms >= sinceMs);
  if (first >= 0) return first === 0 ? 0 : arrivals[first - 1]!.end;
  const lastEnd = arrivals.at(-1)?.end ?? 0;
  return lastEnd < size && fallbackMs >= sinceMs ? lastEnd : size;
}
