// Whether a failed admin call may still have taken effect: a refusal provably did nothing, while a reply lost
// after the request was written (a reset, a timeout, a servlet failure) may hide an effect that landed.
import { AuroraApplicationError, AuroraHttpError, AuroraRpcError } from './admin-errors.ts';

export type Delivery = 'refused' | 'maybe-landed';

// the connection never carried the request: nothing reached the scheduler
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** deliveryOf: 'refused' only when the scheduler provably did not act on the call. */
export function deliveryOf(err: unknown): Delivery {
  if (err instanceof AuroraRpcError) {
    // ERROR_TRANSIENT is answered before any storage write; "No backup loaded" means there was nothing to commit
    if (err.transient || err.messages.some((m) => /no backup loaded/i.test(m))) return 'refused';
    return 'maybe-landed';
  }
  if (err instanceof AuroraHttpError) {
    // a 200 that did not decode, or a servlet failure, came from a scheduler that read the request
    if (err.status !== undefined)
      return err.status === 200 || (err.status >= 500 && err.status !== 503) ? 'maybe-landed' : 'refused';
    return err.transport && NOT_SENT.has(err.transport) ? 'refused' : 'maybe-landed';
  }
  if (err instanceof AuroraApplicationError) return 'maybe-landed';
  // anything else was raised before a request went out, e.g. no leader to send it to
  return 'refused';
}
