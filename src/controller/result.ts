// The reconcile contract: throw to retry with backoff, return requeueAfter to look again later, or throw a
// TerminalError for a problem that only a spec change can fix.
import { OperatorError, type TerminalCode } from '../api/errors.ts';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** TerminalError stops the reconcile without a retry; its reason is its catalogued code. */
export class TerminalError extends OperatorError<TerminalCode> {
  readonly reason: TerminalCode;
  constructor(reason: TerminalCode, message: string) {
    super(reason, message);
    this.name = 'TerminalError';
    this.reason = reason;
  }
}

export const DONE: ReconcileResult = {};
