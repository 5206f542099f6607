import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateTiming, type LeaderElectionTiming } from '../../../src/controller/election-timing.ts';
import { LeaderElector } from '../../../src/controller/leader-election.ts';
import type { LeaseRecord } from '../../../src/controller/lease-store.ts';
import { createLogger } from '../../../src/log.ts';
import { FakeTime, MemoryLease, type LeaseClient } from './lease-fixtures.ts';

const log = createLogger('leader-election-test', 'silent');
const MINUTE = 60_000;
const LEASE_MS = 15_000;
const DEADLINE_MS = 10_000;
const RETRY_MS = 2000;
// a candidate retries after retryPeriod stretched by up to JITTER_FACTOR
const LONGEST_RETRY_MS = RETRY_MS * 2.2;

interface Replica {
  elector: LeaderElector;
  store: LeaseClient;
  acquiredAt: number | undefined;
  lostAt: number | undefined;
}

function replica(lease: MemoryLease, time: FakeTime, identity: string, skewMs = 0): Replica {
  const store = lease.client(time);
  const elector = new LeaderElector({ identity, log, store, clock: time.clock(skewMs) });
  const r: Replica = { elector, store, acquiredAt: undefined, lostAt: undefined };
  void elector
    .acquire(() => (r.lostAt = time.t))
    .then(() => {
      if (elector.isLeader()) r.acquiredAt = time.t;
    });
  return r;
}

function holderRecord(holderIdentity: string, at: number, leaseTransitions = 0): LeaseRecord {
  return { holderIdentity, leaseDurationSeconds: 15, acquireTime: at, renewTime: at, leaseTransitions };
}

const okWrites = (r: Replica): number[] =>
  r.store.calls.filter((c) => c.op !== 'get' && c.ok).map((c) => c.at);

test('a candidate whose clock runs an hour ahead does not take a lease that is still being renewed', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  const a = replica(lease, time, 'a');
  await time.runFor(1);
  assert.is(a.acquiredAt, time.t - 1, 'the first replica creates the lease at once');
  assert.equal(lease.stored?.record.leaseTransitions, 0);
  const b = replica(lease, time, 'b', 60 * MINUTE);
  await time.runFor(2 * MINUTE, () => assert.not.ok(b.elector.isLeader(), `b leads at ${time.t}`));
  const renewTime = lease.stored?.record.renewTime ?? Infinity;
  assert.ok(time.t + 60 * MINUTE - renewTime > 50 * MINUTE, 'by b clock the renewTime is long past');
  assert.is(lease.stored?.record.holderIdentity, 'a');
  assert.ok(a.elector.isLeader());
  assert.is(a.lostAt, undefined);
  assert.ok(b.store.calls.filter((c) => c.op === 'get').length >= 20, 'b kept looking');
  assert.equal(okWrites(b), [], 'b never wrote the lease');
});

test('a candidate takes an unrenewed lease only once leaseDuration passed on its own clock since the last change it saw', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  // the holder is gone; its renewTime lies a day ahead, so no comparison with a timestamp could expire it
  lease.put(holderRecord('ghost', time.t + 24 * 60 * MINUTE, 4));
  const b = replica(lease, time, 'b', -7 * MINUTE);
  await time.runFor(10_000);
  const previous = lease.stored?.record ?? holderRecord('', 0);
  lease.put({ ...previous, renewTime: previous.renewTime + 1 });
  const changedAt = time.t;
  await time.runFor(40_000, () => {
    if (time.t < changedAt + LEASE_MS) assert.not.ok(b.elector.isLeader(), `b leads at ${time.t}`);
  });
  const seenAt = b.store.calls.find((c) => c.op === 'get' && c.at > changedAt)?.at;
  if (seenAt === undefined || b.acquiredAt === undefined)
    throw new Error('b never saw the change or never led');
  assert.ok(
    b.acquiredAt - seenAt >= LEASE_MS,
    `b took over ${b.acquiredAt - seenAt} ms after seeing the change`,
  );
  assert.ok(b.acquiredAt - seenAt <= LEASE_MS + LONGEST_RETRY_MS, 'and at the first attempt after that');
  assert.is(lease.stored?.record.holderIdentity, 'b');
  assert.is(lease.stored?.record.leaseTransitions, 5);
});

test("a candidate waits out the holder's leaseDurationSeconds from the record, not its own", async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  // the holder runs with a 60 s lease; this candidate's own setting is the default 15 s
  lease.put({ ...holderRecord('slow', time.t), leaseDurationSeconds: 60 });
  const b = replica(lease, time, 'b');
  const putAt = time.t;
  await time.runFor(90_000, () => {
    if (time.t < putAt + 60_000) assert.not.ok(b.elector.isLeader(), `b leads ${time.t - putAt} ms in`);
  });
  const firstGet = b.store.calls.find((c) => c.op === 'get')?.at ?? Infinity;
  if (b.acquiredAt === undefined) throw new Error('b never led');
  assert.ok(
    b.acquiredAt - firstGet >= 60_000,
    `b took over ${b.acquiredAt - firstGet} ms after first seeing it`,
  );
  assert.ok(b.acquiredAt - firstGet <= 60_000 + LONGEST_RETRY_MS);
  assert.is(lease.stored?.record.leaseDurationSeconds, 15, 'the new holder writes its own duration');
});

for (const mode of ['down', 'hang'] as const) {
  const what = mode === 'down' ? 'fail' : 'never answer';
  test(`a leader whose renews ${what} gives up at renewDeadline, before the lease expires for anyone else`, async () => {
    const time = new FakeTime();
    const lease = new MemoryLease();
    const a = replica(lease, time, 'a');
    await time.runFor(1);
    const b = replica(lease, time, 'b', 3 * MINUTE);
    await time.runFor(5000);
    a.store.mode = mode;
    const lastRenew = okWrites(a).at(-1) ?? -Infinity;
    await time.runFor(40_000, () => {
      const leaders = [a, b].filter((r) => r.elector.isLeader());
      assert.ok(leaders.length <= 1, `two leaders at ${time.t}`);
    });
    if (a.lostAt === undefined || b.acquiredAt === undefined)
      throw new Error('a never gave up or b never led');
    assert.is(a.lostAt - lastRenew, DEADLINE_MS, 'onLost fired when the renew deadline passed');
    assert.ok(a.lostAt < lastRenew + LEASE_MS, 'which is before the lease can expire for others');
    assert.ok(b.acquiredAt >= lastRenew + LEASE_MS, `b took over at +${b.acquiredAt - lastRenew} ms`);
    assert.not.ok(a.elector.isLeader());
    assert.is(lease.stored?.record.holderIdentity, 'b');
  });
}

test('a leader whose renew meets a 409 because a rival now holds the lease steps down at once', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  const a = replica(lease, time, 'a');
  await time.runFor(3000);
  let rivalAt = -1;
  a.store.beforeReplace = () => {
    rivalAt = time.t;
    lease.put(holderRecord('rival', time.t, 1));
  };
  await time.runFor(3000);
  assert.ok(rivalAt > 0, 'a tried to renew');
  assert.ok(
    a.store.calls.some((c) => c.op === 'replace' && !c.ok && c.at === rivalAt),
    'the renew was refused',
  );
  assert.is(a.lostAt, rivalAt, 'a stepped down at that instant, long before its renew deadline');
  assert.not.ok(a.elector.isLeader());
  assert.is(lease.stored?.record.holderIdentity, 'rival');
  assert.equal(
    okWrites(a).filter((at) => at >= rivalAt),
    [],
    'a wrote nothing afterwards',
  );
});

test('a 409 from a write that still names this leader is retried and it keeps leading', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  const a = replica(lease, time, 'a');
  await time.runFor(3000);
  a.store.beforeReplace = () => lease.put(lease.stored?.record ?? holderRecord('', 0));
  await time.runFor(20_000);
  assert.ok(a.store.calls.some((c) => c.op === 'replace' && !c.ok));
  assert.ok(
    okWrites(a).some((at) => at > 4000),
    'a renewed after the conflict',
  );
  assert.is(a.lostAt, undefined);
  assert.ok(a.elector.isLeader());
  assert.is(lease.stored?.record.holderIdentity, 'a');
});

test('release clears the holder and a standby acquires at its next attempt', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  const a = replica(lease, time, 'a');
  await time.runFor(1);
  const b = replica(lease, time, 'b');
  await time.runFor(5000);
  await a.elector.release();
  const releasedAt = time.t;
  assert.is(lease.stored?.record.holderIdentity, '');
  assert.not.ok(a.elector.isLeader());
  const callsAtRelease = a.store.calls.length;
  await time.runFor(LONGEST_RETRY_MS + 1);
  if (b.acquiredAt === undefined) throw new Error('b did not take the released lease');
  assert.ok(b.acquiredAt - releasedAt < LEASE_MS, 'without waiting for the lease duration');
  assert.is(lease.stored?.record.holderIdentity, 'b');
  assert.is(lease.stored?.record.leaseTransitions, 1);
  await time.runFor(20_000);
  assert.is(a.store.calls.length, callsAtRelease, 'the released elector stopped calling the apiserver');
  assert.is(a.lostAt, undefined, 'a clean stop is not a loss');
});

test('release by a standby leaves the leader lease alone', async () => {
  const time = new FakeTime();
  const lease = new MemoryLease();
  const a = replica(lease, time, 'a');
  await time.runFor(1);
  const b = replica(lease, time, 'b');
  await time.runFor(3000);
  await b.elector.release();
  assert.is(lease.stored?.record.holderIdentity, 'a');
  await time.runFor(20_000);
  assert.ok(a.elector.isLeader());
  assert.is(b.acquiredAt, undefined);
});

test('durations that break leaseDuration > renewDeadline > retryPeriod * 1.2 are rejected', () => {
  const make = (timing: LeaderElectionTiming) => (): LeaderElector =>
    new LeaderElector({ identity: 'a', log, store: new MemoryLease().client(new FakeTime()), ...timing });
  assert.throws(
    make({ leaseDurationSeconds: 10 }),
    /leaseDurationSeconds \(10 s\) must be greater than renewDeadlineMs \(10000 ms\)/,
  );
  assert.throws(
    make({ renewDeadlineMs: 2400 }),
    /renewDeadlineMs \(2400\) must be greater than retryPeriodMs \* 1.2/,
  );
  assert.throws(
    make({ leaseDurationSeconds: 1.5, renewDeadlineMs: 1000, retryPeriodMs: 500 }),
    /whole number/,
  );
  assert.throws(make({ retryPeriodMs: 0 }), /retryPeriodMs must be greater than 0/);
  assert.equal(validateTiming({}), { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 });
  assert.ok(
    make({ leaseDurationSeconds: 3, renewDeadlineMs: 2500, retryPeriodMs: 2000 })() instanceof LeaderElector,
  );
});

test.run();
