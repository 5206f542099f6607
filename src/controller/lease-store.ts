// Puts the Lease's read and optimistic writes behind a tiny interface so leader election can run against a fake.
import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../k8s/errors.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';

/** LeaseRecord is the part of a Lease that leader election reads and writes; times are epoch milliseconds. */
export interface LeaseRecord {
  /** holderIdentity is '' when nobody holds the lease. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** acquireTime is 0 when unset, like renewTime. */
  readonly acquireTime: number;
  readonly renewTime: number;
  readonly leaseTransitions: number;
}

export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** LeaseConflictError means someone else wrote the Lease since it was read (or created it first). */
export class LeaseConflictError extends Error {
  override readonly name = 'LeaseConflictError';
}

export interface LeaseStore {
  /** get returns the Lease, or undefined when it does not exist. */
  get(): Promise<StoredLease | undefined>;
  /** create writes a new Lease and throws LeaseConflictError if one exists already. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** replace writes only if the Lease is still at resourceVersion and throws LeaseConflictError otherwise. */
  replace(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

// MicroTime fields arrive as strings (client-node's types say Date), so accept both
function millisOf(time: unknown): number {
  if (typeof time !== 'string' && !(time instanceof Date)) return 0;
  const ms = new Date(time).getTime();
  return Number.isNaN(ms) ? 0 : ms;
}

function toStored(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: millisOf(spec.acquireTime),
      renewTime: millisOf(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

// a MicroTime needs six fractional digits where toISOString gives three
const microTime = (ms: number): string => new Date(Math.floor(ms)).toISOString().replace(/Z$/, '000Z');

// the wire form: MicroTimes as strings, which the client-node type declares as Date
type LeaseSpecJson = Omit<V1LeaseSpec, 'acquireTime' | 'renewTime'> & {
  acquireTime?: string;
  renewTime?: string;
};

function toSpec(record: LeaseRecord): LeaseSpecJson {
  const spec: LeaseSpecJson = {
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.holderIdentity) spec.holderIdentity = record.holderIdentity;
  if (record.acquireTime > 0) spec.acquireTime = microTime(record.acquireTime);
  if (record.renewTime > 0) spec.renewTime = microTime(record.renewTime);
  return spec;
}

function conflictOr(err: unknown): unknown {
  // a Lease deleted under us is a rival's write as much as a newer resourceVersion is
  if (isConflict(err) || isNotFound(err))
    return new LeaseConflictError('the Lease was written by someone else');
  return err;
}

/** createLeaseStore reads and writes one Lease through the coordination.k8s.io/v1 API. */
export function createLeaseStore(client: RestClient, namespace: string, name: string): LeaseStore {
  const apiVersion = 'coordination.k8s.io/v1';
  const collection = resourcePath({ apiVersion, plural: 'leases', namespace });
  const path = resourcePath({ apiVersion, plural: 'leases', namespace, name });
  return {
    async get() {
      try {
        return toStored(await client.request<V1Lease>({ path }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record) {
      const body = { metadata: { name, namespace }, spec: toSpec(record) };
      try {
        return toStored(await client.request<V1Lease>({ method: 'POST', path: collection, body }));
      } catch (err) {
        throw conflictOr(err);
      }
    },
    async replace(record, resourceVersion) {
      // the elector owns the whole Lease, so a body without labels or annotations loses nothing
      const body = { metadata: { name, namespace, resourceVersion }, spec: toSpec(record) };
      try {
        return toStored(await client.request<V1Lease>({ method: 'PUT', path, body }));
      } catch (err) {
        throw conflictOr(err);
      }
    },
  };
}
