// Streams one container run's log file as the kubelet's log API does: from the tail or a time on, each line
// optionally stamped with its arrival, up to a byte limit, following new output until the run ends.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildStampedChunk, lineStartFrom, tailOffset, type LogQuery } from './container-logs.ts';
import { arrivalOf, readArrivals, sinceOffset, timesFileOf, type Arrival } from './log-clock.ts';

export interface RunLogStream {
  file: string;
  query: LogQuery;
  /** the run exited (or was followed by another): a follow ends after its last byte */
  ended(): boolean;
  /** the caller left or the server is closing */
  stop(): boolean;
  pollMs: number;
  /** resolves once the chunk may be written again (back-pressure) */
  write(chunk: Buffer): Promise<void>;
}

/** The arrival times of the run's output, re-read when a read goes past the last one recorded. */
class Arrivals {
  private list: Arrival[] = [];
  private fallbackMs = 0;
  private readonly file: string;
  constructor(file: string) {
    this.file = file;
    this.refresh();
  }
  refresh(): void {
    this.list = readArrivals(timesFileOf(this.file));
    this.fallbackMs = fs.statSync(this.file).mtimeMs;
  }
  refreshBefore(end: number): void {
    if (end > (this.list.at(-1)?.end ?? 0)) this.refresh();
  }
  at(offset: number): number {
    return arrivalOf(this.list, offset, this.fallbackMs);
  }
  since(sinceMs: number, size: number): number {
    return sinceOffset(this.list, sinceMs, size, this.fallbackMs);
  }
}

async function startOffset(file: string, query: LogQuery, arrivals: Arrivals): Promise<number> {
  let start = query.tailLines === undefined ? 0 : await tailOffset(file, query.tailLines);
  if (query.sinceMs !== undefined) {
    const { size } = fs.statSync(file);
    start = Math.max(start, await lineStartFrom(file, arrivals.since(query.sinceMs, size)));
  }
  return start;
}

export async function streamRunLog(s: RunLogStream): Promise<void> {
  const arrivals = new Arrivals(s.file);
  const handle = await fs.promises.open(s.file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = await startOffset(s.file, s.query, arrivals);
    let atLineStart = true;
    let left = s.query.limitBytes ?? Number.POSITIVE_INFINITY;
    while (left > 0 && !s.stop()) {
      const finished = s.ended();
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        // a copy: the read buffer is reused while the response may still hold the chunk
        let out: Buffer = Buffer.from(buf.subarray(0, bytesRead));
        if (s.query.timestamps) {
          arrivals.refreshBefore(pos + bytesRead);
          ({ out, atLineStart } = buildStampedChunk(out, pos, atLineStart, (o) => arrivals.at(o)));
        }
        pos += bytesRead;
        if (out.length > left) out = out.subarray(0, left);
        left -= out.length;
        await s.write(out);
        continue;
      }
      if (!s.query.follow || finished) return;
      await sleep(s.pollMs);
    }
  } finally {
    await handle.close();
  }
}
