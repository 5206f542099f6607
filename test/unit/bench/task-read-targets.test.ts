// The task-read benchmark's pure parts: tasks spread over jobs, and measurements judged against their targets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PassMeasure } from '../../../bench/task-read-pass.ts';
import { failingLines, formatLine, quietLines, splitInstances } from '../../../bench/task-read-targets.ts';

const failing: PassMeasure = {
  passMs: 900,
  reads: 1,
  counts: { total: 10_010, failedOrLost: 10 },
  plan: { limit: 11_111, timeoutMs: 6400 },
  readMs: 800,
  responseBytes: 10_000_000,
  tasksRead: 10_010,
  heapGrowthBytes: 70 * 1024 * 1024,
  reason: 'ExecutorCrashing',
};

const statusOf = (lines: ReturnType<typeof failingLines>, what: string): string | undefined =>
  lines.find((l) => l.name.endsWith(what))?.status;

test('splitInstances spreads every instance over at most the given jobs', () => {
  assert.equal(splitInstances(10, 3), [4, 3, 3]);
  assert.equal(splitInstances(2, 10), [1, 1]);
  assert.is(
    splitInstances(10_000, 10).reduce((a, b) => a + b, 0),
    10_000,
  );
});

test('a quiet pass passes only without reads', () => {
  const quiet: PassMeasure = { passMs: 30, reads: 0, heapGrowthBytes: 0, reason: 'NoLaunchFailures' };
  assert.ok(quietLines('q', quiet).every((l) => l.status !== 'MISS'));
  assert.is(statusOf(quietLines('q', { ...quiet, reads: 1 }), 'task reads'), 'MISS');
});

test('a failing pass needs one read, a limit covering the tasks and half the timeout to spare', () => {
  assert.ok(failingLines('f', failing).every((l) => l.status !== 'MISS'));
  const cut = failingLines('f', { ...failing, plan: { limit: 10_000, timeoutMs: 6400 } });
  assert.is(statusOf(cut, 'read limit'), 'MISS');
  const slow = failingLines('f', { ...failing, readMs: 3300 });
  assert.is(statusOf(slow, 'read time / timeout'), 'MISS');
  const failed = failingLines('f', { ...failing, error: 'timed out' });
  assert.is(statusOf(failed, 'read time / timeout'), 'MISS');
  assert.is(
    statusOf(failingLines('f', { ...failing, reason: 'NoLaunchFailures' }), 'ExecutorHealthy'),
    'MISS',
  );
});

test('formatLine prints status, name, then measured / target', () => {
  const line = formatLine({ status: 'ok', name: 'n', measured: '0', target: '0' });
  assert.match(line, /^ok {3}n {2,}0 \/ 0$/);
  assert.not.match(formatLine({ status: 'info', name: 'n', measured: '1 ms', target: '' }), '/');
});

test.run();
