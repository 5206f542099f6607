// ExecutorHealthy: FAILED/LOST without STARTING/RUNNING, newer than the last task that started.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { taskOutcome } from '../../../src/diagnostics/collect-signals.ts';
import { crashedTasks, executorHealthy } from '../../../src/diagnostics/executor-health.ts';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';

const now = new Date('2026-01-01T12:00:00Z');
const t = now.getTime();

function task(id: string, events: Array<[number, number]>) {
  const last = events.at(-1);
  return taskOutcome({
    assignedTask: { taskId: id, instanceId: 0 },
    status: (last?.[0] ?? ScheduleStatus.PENDING) as ScheduleStatus,
    taskEvents: events.map(([status, timestamp]) => ({ status: status as ScheduleStatus, timestamp })),
  });
}

const S = ScheduleStatus;
const crashed = (id: string, at: number) =>
  task(id, [
    [S.PENDING, at - 2],
    [S.ASSIGNED, at - 1],
    [S.FAILED, at],
  ]);
const ran = (id: string, at: number) =>
  task(id, [
    [S.ASSIGNED, at - 1],
    [S.STARTING, at],
    [S.RUNNING, at + 1],
  ]);

test('taskOutcome records whether the task ever started', () => {
  assert.equal(crashed('x', t), { taskId: 'x', status: 'FAILED', started: false, lastEventAt: t });
  const failedAfterRun = task('y', [
    [S.STARTING, t - 5],
    [S.RUNNING, t - 4],
    [S.FAILED, t],
  ]);
  assert.is(failedAfterRun.started, true);
  assert.is(failedAfterRun.startedAt, t - 4);
});

test('crashed tasks newer than the last start count; a later start clears them', () => {
  assert.equal(
    crashedTasks([ran('ok', t - 10_000), crashed('bad', t - 1000)], 0).map((x) => x.taskId),
    ['bad'],
  );
  assert.equal(crashedTasks([crashed('bad', t - 10_000), ran('ok', t - 1000)], 0), []);
  assert.equal(crashedTasks([crashed('old', t - 700_000)], t - 600_000), []);
});

test('executorHealthy names example task ids and the sandbox remedy', () => {
  const v = executorHealthy({ outcomes: [crashed('a', t - 3), crashed('b', t - 2)] }, now, 600_000);
  assert.is(v.status, 'False');
  assert.is(v.reason, 'ExecutorCrashing');
  assert.match(v.message, /e\.g\. b \(FAILED\), a \(FAILED\)/);
  assert.match(v.message, /sandbox logs/);
  assert.is(executorHealthy({ outcomes: [ran('ok', t)] }, now, 600_000).reason, 'NoLaunchFailures');
  assert.is(executorHealthy(undefined, now, 600_000).status, 'Unknown');
  assert.is(executorHealthy({ outcomes: [], error: 'boom' }, now, 600_000).reason, 'TasksUnreadable');
});

test('a cut read proves neither a crash nor its absence: Unknown TaskReadTruncated, with the crashes it saw', () => {
  const outcomes = [crashed('a', t - 1000), ran('b', t - 5000)];
  const cut = executorHealthy({ outcomes, truncatedAt: 20_000 }, now, 3_600_000);
  assert.is(cut.status, 'Unknown');
  assert.is(cut.reason, 'TaskReadTruncated');
  assert.match(cut.message, /\(20000\); 1 of the tasks read/);
  const whole = executorHealthy({ outcomes }, now, 3_600_000);
  assert.is(whole.reason, 'ExecutorCrashing');
  const quietButCut = executorHealthy(
    { outcomes: [ran('b', t - 5000)], truncatedAt: 20_000 },
    now,
    3_600_000,
  );
  assert.is(quietButCut.reason, 'TaskReadTruncated');
});

test.run();
