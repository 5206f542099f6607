// The soak's summary: faults by kind, restores, recovery p50 and max, RSS, restarts, jobs, and the final line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finalLine, summaryLines, type SoakTotals } from '../../../bench/soak-summary.ts';

const MiB = 2 ** 20;
const totals: SoakTotals = {
  seed: 5,
  plannedMinutes: 3,
  ranSeconds: 186,
  faults: new Map([
    ['kill-leader', 1],
    ['restart-apiserver', 2],
  ]),
  restores: { run: 1, succeeded: 1, byStrategy: new Map([['Offline', 1]]), withFault: 1 },
  recoveries: [
    { what: 'a', seconds: 10 },
    { what: 'b', seconds: 30 },
    { what: 'c', seconds: 20 },
    { what: 'd' },
  ],
  boundS: 120,
  rss: {
    start: { atS: 0, pod: 'op-a', startS: 0, bytes: 100 * MiB },
    end: { atS: 120, pod: 'op-a', startS: 0, bytes: 110 * MiB },
  },
  rssTolerance: 0.2,
  restarts: { observed: 1, caused: 1 },
  stackTraces: 0,
  jobs: { created: 30, failed: 4 },
};

test('the summary names every count the soak promises', () => {
  assert.equal(summaryLines(totals), [
    'seed 5, 3 min planned, 3.1 min of nemesis run',
    'faults injected: 3 (restart-apiserver=2 kill-leader=1)',
    "restores: 1 run (Offline=1; 1 with a fault in the middle), 1 succeeded with the backup's tasks",
    'recovery to Ready: 3 measured, p50 20.0 s, max 30.0 s (bound 120 s), 1 never',
    'operator RSS (op-a, one process over 2.0 min): start 100.0 MiB, end 110.0 MiB (+10.0 %, bound +20 %)',
    'operator restarts: 1 (1 caused by the nemesis); log lines with a stack trace: 0',
    'jobs created through Thrift: 30 (4 calls refused or failed during faults)',
  ]);
});

test('no recoveries and an unjudged RSS are said so', () => {
  const lines = summaryLines({
    ...totals,
    recoveries: [],
    rss: { reason: 'no sample of the leading operator' },
  });
  assert.is(lines[3], 'recovery to Ready: none measured');
  assert.is(lines[4], 'operator RSS: not judged (no sample of the leading operator)');
});

test('the final line: ok, or FAILED with every reason', () => {
  assert.is(finalLine([]), 'soak: ok');
  assert.is(finalLine(['x', 'y']), 'soak: FAILED x; y');
});

test.run();
