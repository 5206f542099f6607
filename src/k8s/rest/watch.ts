// One watch request: a streaming GET whose body is one JSON event per line, with an inactivity timeout, reporting
// its end once (an error, a timeout, or null when the server closed it).
import type { IncomingMessage } from 'node:http';
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

/**
 * The inactivity limit: three of the API server's one-minute bookmark intervals, so a quiet watch that asked for
 * bookmarks is kept open by them and only a dead connection is cut.
 */
export const WATCH_IDLE_MS = 180_000;

/** a frame larger than this is refused and the watch restarted, so one bad line cannot take all the memory */
export const MAX_WATCH_LINE_BYTES = 16 * 1024 * 1024;

/** the server ends each watch after a random 5 to 10 minutes, as client-go's reflector asks, spreading re-opens */
export function watchTimeoutSeconds(random: () => number = Math.random): number {
  return 300 + Math.floor(random() * 301);
}

/** a watch ended by its inactivity timeout, resumable from the last resourceVersion */
export class WatchTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** a watch stream that sent a line that is no JSON event or is too long */
export class WatchFrameError extends Error {
  override readonly name = 'WatchFrameError';
}

/**
 * lineSplitter calls onLine for every complete line; it splits bytes at '\n', which never occurs inside a UTF-8
 * sequence, and throws WatchFrameError once a line grows beyond maxBytes.
 */
export function lineSplitter(
  onLine: (line: string) => void,
  maxBytes = MAX_WATCH_LINE_BYTES,
): { push(chunk: Buffer): void; end(): void } {
  let parts: Buffer[] = [];
  let size = 0;
  const take = (piece: Buffer): void => {
    size += piece.length;
    if (size > maxBytes) throw new WatchFrameError(`watch frame longer than ${maxBytes} bytes`);
    if (piece.length > 0) parts.push(piece);
  };
  const flush = (): void => {
    const line = Buffer.concat(parts).toString('utf8');
    parts = [];
    size = 0;
    if (line.trim()) onLine(line);
  };
  return {
    push(chunk) {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        take(chunk.subarray(start, nl));
        start = nl + 1;
        flush();
      }
      take(chunk.subarray(start));
    },
    end: flush,
  };
}

/** parseWatchEvent reads one line, throwing WatchFrameError for anything but a JSON object with a type */
export function parseWatchEvent(line: string): WatchEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw new WatchFrameError(`watch sent a line that is no JSON: ${line.slice(0, 200)}`);
  }
  const e = event as Partial<WatchEvent> | null;
  if (typeof e?.type !== 'string' || typeof e.object !== 'object' || e.object === null)
    throw new WatchFrameError(`watch sent a line that is no event: ${line.slice(0, 200)}`);
  return e as WatchEvent;
}

export interface WatchRequest {
  path: string;
  query: Query;
  /** the inactivity limit, WATCH_IDLE_MS unless a test shortens it */
  idleMs?: number | undefined;
  /** the longest line accepted, MAX_WATCH_LINE_BYTES unless a test shortens it */
  maxLineBytes?: number | undefined;
}

export function startWatch(
  client: RestClient,
  { path, query, idleMs = WATCH_IDLE_MS, maxLineBytes }: WatchRequest,
  onEvent: (event: WatchEvent) => void,
  done: (err: unknown) => void,
): WatchHandle {
  const controller = new AbortController();
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let response: IncomingMessage | undefined;
  // once the answer has come, the request's abort signal may reach a socket already back in the keep-alive pool,
  // where its error goes unhandled: end the response itself instead
  const close = (): void => {
    finished = true;
    clearTimeout(timer);
    if (response) response.destroy();
    else controller.abort();
  };
  const finish = (err: unknown): void => {
    if (finished) return;
    close();
    done(err);
  };
  const resetTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(
      () => finish(new WatchTimeoutError(`watch ${path} was silent for ${idleMs} ms`)),
      idleMs,
    );
    timer.unref();
  };
  const lines = lineSplitter((line) => {
    const event = parseWatchEvent(line);
    if (!finished) onEvent(event);
  }, maxLineBytes);
  // a bad frame ends the watch at once, so no later event moves the resourceVersion past it
  const feed = (step: () => void): void => {
    try {
      if (!finished) step();
    } catch (err) {
      finish(err);
    }
  };
  resetTimer();
  client
    .openStream(path, { ...query, watch: 'true' }, controller.signal)
    .then(async (res) => {
      response = res;
      if (res.statusCode !== 200) {
        const status = res.statusCode ?? 0;
        throw new KubeApiError(status, res.statusMessage ?? 'Error', await readText(res), res.headers);
      }
      resetTimer();
      res.on('data', (chunk: Buffer) => {
        resetTimer();
        feed(() => lines.push(chunk));
      });
      res.on('end', () => {
        feed(() => lines.end());
        finish(null);
      });
      res.on('error', finish);
      res.on('close', () => finish(null));
    })
    .catch(finish);
  return {
    abort: close,
  };
}
