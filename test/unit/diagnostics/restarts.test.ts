// Restart history and SchedulersStable: planned failovers told apart from crashes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isPlannedExit, updateRecentExits } from '../../../src/diagnostics/restart-history.ts';
import { schedulersStable } from '../../../src/diagnostics/schedulers-stable.ts';

const now = new Date('2026-01-01T12:00:00Z');
const ctx = { now, windowMs: 600_000, maxLeadingMs: 3_600_000 };
const at = (minAgo: number): string => new Date(now.getTime() - minAgo * 60_000).toISOString();

test('exit 0 after max_leading_duration is planned; non-zero or short runs are not', () => {
  assert.ok(isPlannedExit({ exitCode: 0, startedAt: at(70), finishedAt: at(5) }, ctx));
  assert.not.ok(isPlannedExit({ exitCode: 1, startedAt: at(70), finishedAt: at(5) }, ctx));
  assert.not.ok(isPlannedExit({ exitCode: 0, startedAt: at(7), finishedAt: at(5) }, ctx));
});

test('exit 0 while a restore lock was recorded is planned', () => {
  const t = { exitCode: 0, startedAt: at(7), finishedAt: at(5) };
  assert.ok(isPlannedExit(t, { ...ctx, lockSince: at(6) }));
  assert.not.ok(isPlannedExit(t, { ...ctx, lockSince: at(4) }));
});

test('updateRecentExits appends a termination once and forgets exits outside the window', () => {
  const t = { exitCode: 1, startedAt: at(6), finishedAt: at(5) };
  const once = updateRecentExits(undefined, t, ctx);
  assert.is(once.length, 1);
  assert.equal(once[0], { finishedAt: at(5), exitCode: 1, ranSeconds: 60, planned: false });
  assert.is(updateRecentExits(once, t, ctx).length, 1);
  const later = { ...ctx, now: new Date(now.getTime() + 6 * 60_000) };
  assert.equal(updateRecentExits(once, t, later), []);
});

const exit = (code: number, planned: boolean, minAgo = 1) => ({
  finishedAt: at(minAgo),
  exitCode: code,
  ranSeconds: 30,
  planned,
});

test('schedulersStable: Stable, PlannedFailover, UnplannedRestart, Crashing', () => {
  const r = (recentExits: ReturnType<typeof exit>[], waitingReason?: string) => [
    { name: 'a-0', restarts: recentExits.length, waitingReason, recentExits },
  ];
  assert.is(schedulersStable(r([]), '10mins').reason, 'Stable');
  const planned = schedulersStable(r([exit(0, true)]), '10mins');
  assert.is(planned.status, 'True');
  assert.is(planned.reason, 'PlannedFailover');
  assert.is(schedulersStable(r([exit(0, false)]), '10mins').reason, 'UnplannedRestart');
  const crash = schedulersStable(r([exit(0, true), exit(2, false)]), '10mins');
  assert.is(crash.status, 'False');
  assert.is(crash.reason, 'Crashing');
  assert.match(crash.message, /a-0 exited 2 time\(s\) in 10mins, last exit 2/);
  assert.match(crash.message, /kubectl logs/);
  assert.is(
    schedulersStable(r([exit(0, false, 3), exit(0, false, 2), exit(0, false)]), '10mins').reason,
    'Crashing',
  );
  assert.is(schedulersStable(r([], 'CrashLoopBackOff'), '10mins').reason, 'Crashing');
  assert.is(schedulersStable(r([exit(0, false)], 'CrashLoopBackOff'), '10mins').reason, 'Crashing');
  assert.is(
    schedulersStable(r([exit(0, true)], 'CrashLoopBackOff'), '10mins').reason,
    'PlannedFailover',
    'back-off after a planned failover',
  );
  const outlasted = [
    { name: 'a-0', restarts: 4, waitingReason: 'CrashLoopBackOff', lastExitPlanned: true, recentExits: [] },
  ];
  assert.is(schedulersStable(outlasted, '1mins').status, 'True', 'back-off longer than the window');
});

test.run();
