// One watch request: a streaming GET whose body is one JSON event per line, with an inactivity timeout, reporting
// its end once (an error, a timeout, or null when the server closed it).
import { StringDecoder } from 'node:string_decoder';
import { KubeApiError } from './api-error.ts';
import { readText, type Query, type RestClient } from './rest-client.ts';

export interface WatchEvent {
  type: string;
  object: { metadata?: { resourceVersion?: string }; code?: number } & Record<string, unknown>;
}

export interface WatchHandle {
  /** abort ends the request; a watch its owner aborted never reports done */
  abort(): void;
}

/** client-node's watch inactivity limit: a watch that sends nothing for this long is ended and resumed */
export const WATCH_IDLE_MS = 30_000;

/** a watch ended by its inactivity timeout, resumable from the last resourceVersion */
export class WatchTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** splitLines feeds decoded text and calls onLine for every complete line, keeping the partial tail. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  const emit = (text: string): void => {
    const lines = (tail + text).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  };
  return {
    push: (chunk) => emit(decoder.write(chunk)),
    end: () => {
      emit(decoder.end());
      if (tail.trim()) onLine(tail);
      tail = '';
    },
  };
}

export interface WatchRequest {
  path: string;
  query: Query;
  /** the inactivity limit, WATCH_IDLE_MS unless a test shortens it */
  idleMs?: number | undefined;
}

export function startWatch(
  client: RestClient,
  { path, query, idleMs = WATCH_IDLE_MS }: WatchRequest,
  onEvent: (event: WatchEvent) => void,
  done: (err: unknown) => void,
): WatchHandle {
  const controller = new AbortController();
  let finished = false;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (err: unknown): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    controller.abort();
    done(timedOut ? new WatchTimeoutError(`watch ${path} was silent for ${idleMs} ms`) : err);
  };
  const resetTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      finish(null);
    }, idleMs);
    timer.unref();
  };
  const lines = lineSplitter((line) => {
    let event: WatchEvent;
    try {
      event = JSON.parse(line) as WatchEvent;
    } catch {
      return; // a garbled line is skipped, as client-node does
    }
    if (!finished) onEvent(event);
  });
  resetTimer();
  client
    .openStream(path, { ...query, watch: 'true' }, controller.signal)
    .then(async (res) => {
      if (res.statusCode !== 200) {
        const status = res.statusCode ?? 0;
        throw new KubeApiError(status, res.statusMessage ?? 'Error', await readText(res), res.headers);
      }
      resetTimer();
      res.on('data', (chunk: Buffer) => {
        resetTimer();
        lines.push(chunk);
      });
      res.on('end', () => {
        lines.end();
        finish(null);
      });
      res.on('error', finish);
      res.on('close', () => finish(null));
    })
    .catch(finish);
  return {
    abort() {
      finished = true;
      clearTimeout(timer);
      controller.abort();
    },
  };
}
