// Polling waits shared by the e2e suites and the benchmarks: a probe retried each second until it answers.
import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown from a waitFor probe to end the wait at once: the awaited state can no longer come (e.g. Failed). */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
}

/**
 * waitFor polls until the probe returns a value. Errors a probe throws are remembered and retried (a server may be
 * restarting), except StopWaiting, which ends the wait immediately with that error.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
