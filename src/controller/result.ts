// The reconcile contract: throw to retry with backoff, return requeueAfter to look again later, or throw a
// TerminalError for a problem that only a spec change can fix.
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export class TerminalError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'TerminalError';
    this.reason = reason;
  }
}

export const DONE: ReconcileResult = {};
