// The informers' restart back-off, after client-go's reflector: 0.8 s doubling to 30 s with jitter, back to the
// start only once the informer has run without a failure for a stable period.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** a failure after this long without one starts the sequence again */
  readonly resetAfterMs: number;
  /** the delay varies by this fraction either way, so that many informers do not restart in step */
  readonly jitter: number;
}

export const INFORMER_BACKOFF: BackoffPolicy = {
  initialMs: 800,
  maxMs: 30_000,
  resetAfterMs: 120_000,
  jitter: 0.25,
};

export interface BackoffState {
  /** failures since the last reset */
  readonly failures: number;
  /** when the last delay ended, i.e. since when the informer has been running again */
  readonly runningSince: number;
}

/**
 * planBackoff returns the delay before the next restart and the state to pass next time; random() is in [0, 1).
 * Starting counts as nothing: only a stable period after a restart resets the sequence.
 */
export function planBackoff(
  policy: BackoffPolicy,
  state: BackoffState | undefined,
  now: number,
  random: () => number,
): { delayMs: number; state: BackoffState } {
  const stable = state !== undefined && now - state.runningSince >= policy.resetAfterMs;
  const failures = state === undefined || stable ? 0 : state.failures;
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** failures);
  const delayMs = Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
  return { delayMs, state: { failures: failures + 1, runningSince: now + delayMs } };
}

/** Backoff keeps planBackoff's state for one informer. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  #state: BackoffState | undefined;

  constructor(policy: BackoffPolicy, now: () => number = Date.now, random: () => number = Math.random) {
    this.#policy = policy;
    this.#now = now;
    this.#random = random;
  }

  /** nextDelayMs records a failure and returns how long to wait before trying again */
  nextDelayMs(): number {
    const planned = planBackoff(this.#policy, this.#state, this.#now(), this.#random);
    this.#state = planned.state;
    return planned.delayMs;
  }
}
