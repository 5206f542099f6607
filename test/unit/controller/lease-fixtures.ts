// Fakes for leader-election tests: one shared fake time with per-replica skewed clocks, and an in-memory Lease.
import type { Clock } from '../../../src/controller/election-timing.ts';
import {
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from '../../../src/controller/lease-store.ts';

interface Sleeper {
  at: number;
  wake: () => void;
}

const holderOf = (s: StoredLease | undefined): string | undefined => s?.record.holderIdentity;

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** FakeTime is real time for the test; each replica's clock reads it shifted by its own skew. */
export class FakeTime {
  t = 1_700_000_000_000;
  #sleepers: Sleeper[] = [];

  clock(skewMs = 0): Clock {
    return {
      now: () => this.t + skewMs,
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          const sleeper: Sleeper = { at: this.t + ms, wake: resolve };
          this.#sleepers.push(sleeper);
          signal?.addEventListener('abort', () => {
            this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
            resolve();
          });
        }),
    };
  }

  /** runFor moves time forward by ms, stopping at every wake-up and at least every stepMs to call check. */
  async runFor(ms: number, check: () => void = () => undefined, stepMs = 100): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      check();
      if (this.t >= end) return;
      const due = Math.min(end, this.t + stepMs, ...this.#sleepers.map((s) => s.at));
      this.t = Math.max(this.t, due);
      const woken = this.#sleepers.filter((s) => s.at <= this.t);
      this.#sleepers = this.#sleepers.filter((s) => s.at > this.t);
      for (const s of woken) s.wake();
    }
  }
}

export interface Call {
  readonly op: 'get' | 'create' | 'replace';
  readonly at: number;
  readonly ok: boolean;
  readonly holder: string | undefined;
}

export type LeaseClient = LeaseStore & {
  /** mode 'down' makes every call fail, 'hang' makes every call never answer. */
  mode: 'up' | 'down' | 'hang';
  /** beforeReplace runs once, between this client's read and its next write. */
  beforeReplace: (() => void) | undefined;
  readonly calls: Call[];
};

/** MemoryLease is the apiserver's copy of one Lease, with optimistic concurrency on resourceVersion. */
export class MemoryLease {
  stored: StoredLease | undefined;
  #version = 0;

  /** put writes as a rival outside any elector would, bumping the resourceVersion. */
  put(record: LeaseRecord): StoredLease {
    this.#version += 1;
    this.stored = { record, resourceVersion: String(this.#version) };
    return this.stored;
  }

  client(time: FakeTime): LeaseClient {
    const answer = async <T>(
      c: LeaseClient,
      op: Call['op'],
      act: () => T,
      holder?: (value: T) => string | undefined,
    ): Promise<T> => {
      if (c.mode === 'hang') return new Promise<T>(() => undefined);
      try {
        if (c.mode === 'down') throw new Error('connection refused');
        const value = act();
        c.calls.push({ op, at: time.t, ok: true, holder: holder?.(value) });
        return value;
      } catch (err) {
        c.calls.push({ op, at: time.t, ok: false, holder: undefined });
        throw err;
      }
    };
    const c: LeaseClient = {
      mode: 'up',
      beforeReplace: undefined,
      calls: [],
      get: () => answer(c, 'get', () => this.stored, holderOf),
      create: (record) =>
        answer(
          c,
          'create',
          () => {
            if (this.stored) throw new LeaseConflictError('exists');
            return this.put(record);
          },
          holderOf,
        ),
      replace: (record, resourceVersion) => {
        const hook = c.beforeReplace;
        c.beforeReplace = undefined;
        hook?.();
        return answer(
          c,
          'replace',
          () => {
            if (this.stored?.resourceVersion !== resourceVersion) throw new LeaseConflictError('stale');
            return this.put(record);
          },
          holderOf,
        );
      },
    };
    return c;
  }
}
