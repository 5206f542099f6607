// The soak's invariants: restores (Failed, stuck, tasks unlike the backup), recovery bounds, restarts nobody
// caused, and the leading operator's memory judged on one process after it settled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  leaseLossPossible,
  recoveryViolations,
  restartViolations,
  restoreViolations,
  rssViolations,
  rssWindow,
  type RssSample,
} from '../../../bench/soak-verdict.ts';

const base = {
  name: 'soak-1-staged',
  strategy: 'Staged',
  backupId: 'scheduler-backup-x',
  expected: ['a', 'b'],
};

test('a restore holds when it Succeeded with exactly the backup tasks, in any order', () => {
  assert.equal(restoreViolations({ ...base, phase: 'Succeeded', actual: ['b', 'a'] }), []);
});

test('a restore is a violation when Failed (unless a terminal fault was injected), stuck, unread, or unlike the backup', () => {
  const failed = restoreViolations({ ...base, phase: 'Failed', error: 'at CommitRecovery: refused' });
  assert.equal(failed, [
    'restore soak-1-staged (Staged) Failed for a transient cause: at CommitRecovery: refused',
  ]);
  assert.equal(restoreViolations({ ...base, phase: 'Failed', terminalInjected: true }), []);
  assert.match(restoreViolations({ ...base, phase: 'Stuck' })[0] ?? '', /neither Succeeded nor Failed/);
  assert.match(restoreViolations({ ...base, phase: 'Succeeded' })[0] ?? '', /could not be read/);
  assert.equal(restoreViolations({ ...base, phase: 'Succeeded', actual: ['a', 'c', 'd'] }), [
    "restore soak-1-staged of scheduler-backup-x: 3 tasks instead of the backup's 2 (1 missing, 2 not in the backup)",
  ]);
});

test('recoveries beyond the bound, or never, are violations; the bound itself is allowed', () => {
  const v = recoveryViolations(
    [
      { what: 'kill-leader example-0', seconds: 120 },
      { what: 'pause-leader example-1', seconds: 120.5 },
      { what: 'restart-zookeeper zookeeper' },
    ],
    120,
  );
  assert.equal(v, [
    'pause-leader example-1: Ready again after 120.5 s > 120 s',
    'restart-zookeeper zookeeper: the cluster never became Ready again',
  ]);
});

test('operator restarts: only more than the nemesis caused, or a replaced pod, are violations', () => {
  assert.equal(restartViolations({ observed: 2, caused: 3, replacedPods: [] }), []);
  assert.equal(restartViolations({ observed: 3, caused: 3, replacedPods: [] }), []);
  assert.equal(restartViolations({ observed: 4, caused: 3, replacedPods: ['op-a'] }), [
    'the operator restarted 1 time(s) on its own (4 seen, 3 caused)',
    'operator pods replaced: op-a',
  ]);
});

test('an apiserver outage may cost the leader its Lease once it plus one retry period reaches the renew deadline', () => {
  const timing = { renewDeadlineMs: 10_000, retryPeriodMs: 2000 };
  // measured in a 60-minute soak: down 9.93 s, and the leader logged "Lost the leader lease"
  assert.ok(leaseLossPossible(9930, timing));
  assert.ok(leaseLossPossible(8000, timing));
  assert.not.ok(leaseLossPossible(7999, timing));
});

const MiB = 2 ** 20;
const s = (atS: number, pod: string, startS: number, mib: number): RssSample => ({
  atS,
  pod,
  startS,
  bytes: mib * MiB,
});

test('RSS window: the last process, from its first sample a minute after both the soak and it started', () => {
  const samples = [
    s(1010, 'op-a', 900, 80),
    s(1070, 'op-a', 900, 90),
    // op-a was killed; op-b took over at 1100
    s(1115, 'op-b', 1100, 60),
    s(1160, 'op-b', 1100, 70),
    s(1175, 'op-b', 1100, 75),
    s(1400, 'op-b', 1100, 88),
  ];
  const w = rssWindow(samples, 1000);
  assert.is(w.start?.atS, 1160);
  assert.is(w.end?.atS, 1400);
  assert.equal(rssViolations(w, 0.2), ['operator RSS grew 25.7 % (> 20 %)']);
  assert.equal(rssViolations(rssWindow(samples.slice(0, -1), 1000), 0.2), []);
});

test('RSS window: no judgement without a settled sample of the last process, and none from it', () => {
  assert.match(rssWindow([], 0).reason ?? '', /no sample/);
  const young = rssWindow([s(1000, 'op-a', 900, 80), s(1030, 'op-b', 1010, 70)], 900);
  assert.is(young.start, undefined);
  assert.match(young.reason ?? '', /ran only 20 s/);
  assert.equal(rssViolations(young, 0.2), []);
});

test.run();
