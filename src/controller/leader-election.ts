// Lease leader election with client-go's timing rules, so that of several operator replicas at most one acts at a time.
import type { RestClient } from '../k8s/rest/rest-client.ts';
import type { Logger } from '../log.ts';
import { JITTER_FACTOR, systemClock, validateTiming, within } from './election-timing.ts';
import type { Clock, LeaderElectionTiming, Timing } from './election-timing.ts';
import { createLeaseStore, LeaseConflictError, type LeaseRecord, type LeaseStore } from './lease-store.ts';

export type LeaderElectionOptions = LeaderElectionTiming & {
  identity: string;
  log: Logger;
  clock?: Clock;
} & ({ store: LeaseStore } | { client: RestClient; namespace: string; name: string });

type Attempt = 'held' | 'heldByOther' | 'failed';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** LeaderElector holds one Lease for as long as it can renew it and gives leadership up before others may take it. */
export class LeaderElector {
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #identity: string;
  readonly #timing: Timing;
  readonly #stop = new AbortController();
  #observedKey: string | undefined;
  // local time at which the current record was first seen; remote timestamps are never compared with it
  #observedAt = 0;
  #observedHolder = '';
  // the holder's own lease duration, as written in the record; ours only when the record has none
  #observedDurationMs = 0;
  #leading = false;
  // local time at which the last successful acquire or renew began
  #renewedAt = 0;
  #pending: Promise<unknown> = Promise.resolve();

  constructor(opts: LeaderElectionOptions) {
    this.#timing = validateTiming(opts);
    this.#store = 'store' in opts ? opts.store : createLeaseStore(opts.client, opts.namespace, opts.name);
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log;
    this.#identity = opts.identity;
  }

  isLeader(): boolean {
    return this.#leading && this.#clock.now() - this.#renewedAt < this.#timing.renewDeadlineMs;
  }

  /** acquire resolves once leading, or unled after release(); onLost fires when the renew deadline passes unrenewed. */
  async acquire(onLost: () => void): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const started = this.#clock.now();
      const attempt = this.#tryAcquireOrRenew();
      this.#pending = attempt;
      if ((await attempt) === 'held' && !signal.aborted) {
        this.#leading = true;
        this.#renewedAt = started;
        this.#log.info({ identity: this.#identity }, 'Acquired the leader lease');
        this.#pending = this.#renewLoop(onLost);
        return;
      }
      const jittered = this.#timing.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      await this.#clock.sleep(jittered, signal);
    }
  }

  /** release stops electing and, if the Lease still names this identity, clears its holder for a standby. */
  async release(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#leading = false;
    // an attempt still in flight could otherwise write the Lease after it was cleared
    await within(this.#clock, this.#pending, this.#timing.renewDeadlineMs);
    try {
      const current = await this.#store.get();
      if (current?.record.holderIdentity !== this.#identity) return;
      const now = this.#clock.now();
      const released = { ...current.record, holderIdentity: '', acquireTime: now, renewTime: now };
      await this.#store.replace(released, current.resourceVersion);
      this.#log.info({ identity: this.#identity }, 'Released the leader lease');
    } catch (err) {
      this.#log.warn({ err: errorText(err) }, 'Failed to release the leader lease; it expires instead');
    }
  }

  async #renewLoop(onLost: () => void): Promise<void> {
    const { renewDeadlineMs, retryPeriodMs } = this.#timing;
    const signal = this.#stop.signal;
    const left = (): number => this.#renewedAt + renewDeadlineMs - this.#clock.now();
    while (left() > 0) {
      await this.#clock.sleep(Math.min(retryPeriodMs, left()), signal);
      if (signal.aborted) return;
      const started = this.#clock.now();
      if (left() <= 0) break;
      const outcome = await within(this.#clock, this.#tryAcquireOrRenew(), left(), signal);
      if (signal.aborted) return;
      if (outcome === 'held') this.#renewedAt = started;
      if (outcome === 'heldByOther') break;
    }
    this.#leading = false;
    this.#log.error({ identity: this.#identity, holder: this.#observedHolder }, 'Lost the leader lease');
    onLost();
  }

  async #tryAcquireOrRenew(): Promise<Attempt> {
    try {
      const current = await this.#store.get();
      const now = this.#clock.now();
      if (!current) return await this.#write(() => this.#store.create(this.#claim(undefined, now)));
      this.#observe(current.record, now);
      if (this.#heldByOther(now)) return 'heldByOther';
      return await this.#write(() =>
        this.#store.replace(this.#claim(current.record, now), current.resourceVersion),
      );
    } catch (err) {
      this.#log.warn({ err: errorText(err) }, 'Failed to acquire or renew the leader lease');
      return 'failed';
    }
  }

  async #write(write: () => Promise<{ record: LeaseRecord }>): Promise<Attempt> {
    try {
      const written = await write();
      this.#observe(written.record, this.#clock.now());
      return 'held';
    } catch (err) {
      if (!(err instanceof LeaseConflictError)) {
        this.#log.warn({ err: errorText(err) }, 'Failed to write the leader lease');
        return 'failed';
      }
      // a rival wrote first: see what it wrote so a leader named out of the record steps down at once
      const current = await this.#store.get();
      const now = this.#clock.now();
      if (current) this.#observe(current.record, now);
      return this.#heldByOther(now) ? 'heldByOther' : 'failed';
    }
  }

  #observe(record: LeaseRecord, now: number): void {
    const { holderIdentity, renewTime, acquireTime, leaseTransitions, leaseDurationSeconds } = record;
    const key = JSON.stringify([
      holderIdentity,
      renewTime,
      acquireTime,
      leaseTransitions,
      leaseDurationSeconds,
    ]);
    if (key === this.#observedKey) return;
    this.#observedKey = key;
    this.#observedAt = now;
    this.#observedHolder = holderIdentity;
    this.#observedDurationMs =
      leaseDurationSeconds > 0 ? leaseDurationSeconds * 1000 : this.#timing.leaseDurationMs;
  }

  #heldByOther(now: number): boolean {
    const holder = this.#observedHolder;
    return holder !== '' && holder !== this.#identity && now < this.#observedAt + this.#observedDurationMs;
  }

  #claim(previous: LeaseRecord | undefined, now: number): LeaseRecord {
    const mine = previous?.holderIdentity === this.#identity;
    const transitions = previous ? previous.leaseTransitions + (mine ? 0 : 1) : 0;
    return {
      holderIdentity: this.#identity,
      leaseDurationSeconds: this.#timing.leaseDurationMs / 1000,
      acquireTime: mine ? previous.acquireTime : now,
      renewTime: now,
      leaseTransitions: transitions,
    };
  }
}
