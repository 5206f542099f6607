// When the REST client sends a request again: a GET after its kept-alive connection was reset (at most twice), and
// any request the server throttled with 429 and a Retry-After (at most three times). A write is never resent after a
// transport failure, since the server may have applied it.
import type { IncomingHttpHeaders } from 'node:http';

export const MAX_RESET_RETRIES = 2;
export const MAX_THROTTLE_RETRIES = 3;
// a Retry-After beyond this is treated as this, so a request never hangs for long on one answer
const MAX_RETRY_AFTER_S = 60;

/** isConnectionReset: the connection dropped before a whole answer came (a stale keep-alive socket, a proxy) */
export function isConnectionReset(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 'ECONNRESET' || code === 'EPIPE' || message === 'socket hang up' || message === 'aborted';
}

/** retryAfterMs reads a Retry-After given in seconds; an HTTP date or nonsense counts as none */
export function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after'];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Math.min(Number(raw), MAX_RETRY_AFTER_S) * 1000;
}

export interface Attempts {
  resets: number;
  throttles: number;
}

export type Outcome = { error: unknown } | { status: number; headers: IncomingHttpHeaders };

/** planRetry returns how long to wait before sending again, or undefined when the outcome stands */
export function planRetry(method: string, outcome: Outcome, attempts: Attempts): number | undefined {
  if ('error' in outcome)
    return method === 'GET' && isConnectionReset(outcome.error) && attempts.resets < MAX_RESET_RETRIES
      ? 0
      : undefined;
  if (outcome.status !== 429 || attempts.throttles >= MAX_THROTTLE_RETRIES) return undefined;
  return retryAfterMs(outcome.headers);
}
