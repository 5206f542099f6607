// Lease-based leader election so that of several operator replicas exactly one reconciles.
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict, isNotFound } from '../k8s/errors.ts';
import type { Logger } from '../log.ts';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
}

// The apiserver wants MicroTime with six fractional digits, which Date.toISOString does not give.
function microTime(date: Date): Date {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}

function expired(lease: V1Lease, now: number): boolean {
  const renew = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  const duration = (lease.spec?.leaseDurationSeconds ?? 15) * 1000;
  return renew + duration < now;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #opts: Required<LeaderElectionOptions>;
  #leading = false;
  #stopped = false;

  constructor(opts: LeaderElectionOptions) {
    this.#api = opts.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#opts = { leaseDurationSeconds: 15, renewIntervalMs: 5000, ...opts };
  }

  isLeader(): boolean {
    return this.#leading;
  }

  // Resolves once leadership is acquired; onLost fires if a renewal later fails past the lease duration.
  async acquire(onLost: () => void): Promise<void> {
    while (!this.#stopped && !(await this.#tryAcquireOrRenew())) await sleep(this.#opts.renewIntervalMs);
    if (this.#stopped) return;
    this.#opts.log.info({ identity: this.#opts.identity }, 'Acquired the leader lease');
    void this.#renewLoop(onLost);
  }

  async release(): Promise<void> {
    this.#stopped = true;
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#api.readNamespacedLease({
        name: this.#opts.name,
        namespace: this.#opts.namespace,
      });
      if (lease.spec?.holderIdentity !== this.#opts.identity) return;
      delete lease.spec.holderIdentity;
      lease.spec.renewTime = microTime(new Date(0));
      await this.#api.replaceNamespacedLease({
        name: this.#opts.name,
        namespace: this.#opts.namespace,
        body: lease,
      });
    } catch {
      // the lease simply expires
    }
  }

  async #renewLoop(onLost: () => void): Promise<void> {
    let lastRenew = Date.now();
    while (!this.#stopped && this.#leading) {
      await sleep(this.#opts.renewIntervalMs);
      if (this.#stopped) return;
      if (await this.#tryAcquireOrRenew().catch(() => false)) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > this.#opts.leaseDurationSeconds * 1000 || !this.#leading) {
        this.#leading = false;
        this.#opts.log.error('Lost the leader lease');
        onLost();
        return;
      }
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.#opts;
    const now = new Date();
    try {
      const lease = await this.#api.readNamespacedLease({ name, namespace });
      const spec = lease.spec ?? {};
      const mine = spec.holderIdentity === identity;
      if (!mine && spec.holderIdentity && !expired(lease, now.getTime())) {
        this.#leading = false;
        return false;
      }
      lease.spec = {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: microTime(now),
        acquireTime: mine && spec.acquireTime ? microTime(new Date(spec.acquireTime)) : microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      await this.#api.replaceNamespacedLease({ name, namespace, body: lease });
    } catch (err) {
      if (isConflict(err)) return false;
      if (!isNotFound(err)) throw err;
      await this.#api
        .createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: 0,
            },
          },
        })
        .catch((e: unknown) => {
          if (isConflict(e) || (e as { code?: number }).code === 409) return;
          throw e;
        });
      return this.#tryAcquireOrRenew();
    }
    this.#leading = true;
    return true;
  }
}
