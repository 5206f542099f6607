// The leader elector's notion of time: an injectable clock and the rules that relate its three durations.
import { setTimeout as delay } from 'node:timers/promises';

/** Clock is the elector's only source of time; now() is in milliseconds and must not jump backwards. */
export interface Clock {
  now(): number;
  /** sleep resolves after ms, or at once when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  // monotonic, yet near epoch milliseconds so the times written to the Lease read sensibly
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
};

/** JITTER_FACTOR stretches a candidate's retry period by up to this fraction, as client-go does. */
export const JITTER_FACTOR = 1.2;

export interface LeaderElectionTiming {
  /** leaseDurationSeconds is how long a candidate waits, on its own clock, after the last change it saw. @default 15 */
  leaseDurationSeconds?: number;
  /** renewDeadlineMs is how long the leader keeps leading without a successful renew. @default 10000 */
  renewDeadlineMs?: number;
  /** retryPeriodMs is the pause between renews, and between a candidate's attempts. @default 2000 */
  retryPeriodMs?: number;
}

export interface Timing {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/**
 * validateTiming applies the defaults and enforces leaseDuration > renewDeadline > retryPeriod * JITTER_FACTOR.
 * @throws Error naming the broken rule.
 */
export function validateTiming(t: LeaderElectionTiming): Timing {
  const { leaseDurationSeconds = 15, renewDeadlineMs = 10_000, retryPeriodMs = 2000 } = t;
  if (!Number.isInteger(leaseDurationSeconds) || leaseDurationSeconds < 1) {
    throw new Error(
      `leaseDurationSeconds must be a whole number of seconds >= 1, got ${leaseDurationSeconds}`,
    );
  }
  if (!(retryPeriodMs > 0)) throw new Error(`retryPeriodMs must be greater than 0, got ${retryPeriodMs}`);
  if (!(leaseDurationSeconds * 1000 > renewDeadlineMs)) {
    throw new Error(
      `leaseDurationSeconds (${leaseDurationSeconds} s) must be greater than renewDeadlineMs (${renewDeadlineMs} ms)`,
    );
  }
  if (!(renewDeadlineMs > retryPeriodMs * JITTER_FACTOR)) {
    throw new Error(
      `renewDeadlineMs (${renewDeadlineMs}) must be greater than retryPeriodMs * ${JITTER_FACTOR} (${retryPeriodMs * JITTER_FACTOR})`,
    );
  }
  return { leaseDurationMs: leaseDurationSeconds * 1000, renewDeadlineMs, retryPeriodMs };
}

/** within settles with work, or with 'timedOut' after ms (or once signal aborts), leaving no timer behind. */
export async function within<T>(
  clock: Clock,
  work: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | 'timedOut'> {
  const timer = new AbortController();
  const wake = signal ? AbortSignal.any([timer.signal, signal]) : timer.signal;
  const timedOut = clock.sleep(ms, wake).then(() => 'timedOut' as const);
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    timer.abort();
  }
}
