// The kubelet's crash-loop backoff: first restart immediate, then base doubling to a cap, reset after a long run.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** A container that ran this long before exiting starts over with an immediate restart. */
  resetAfterMs: number;
}

export const kubeletBackoff: BackoffPolicy = { baseMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

export class RestartBackoff {
  private next = 0;
  private readonly policy: BackoffPolicy;

  constructor(policy: BackoffPolicy) {
    this.policy = policy;
  }

  /** Delay before restarting a container that ran for `ranMs`. */
  delayAfterExit(ranMs: number): number {
    if (ranMs >= this.policy.resetAfterMs) this.next = 0;
    const delay = this.next;
    this.next = delay === 0 ? this.policy.baseMs : Math.min(delay * 2, this.policy.maxMs);
    return delay;
  }
}
