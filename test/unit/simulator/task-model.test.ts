import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { advanceTasks } from '../../world/simulator/task-agent.ts';
import {
  jobStats,
  jobSummaries,
  newJobTasks,
  queryTasks,
  roleSummaries,
  transition,
  withoutConfig,
} from '../../world/simulator/task-model.ts';
import { protocolForContentType, replyFormat } from '../../world/simulator/api-servlet.ts';
import { mergeFaults, parseFaults } from '../../world/simulator/faults.ts';
import { parseMasterAddress } from '../../world/simulator/mesos-master.ts';
import { decodeMember, encodeMember } from '../../world/simulator/serverset.ts';

const job = { key: { role: 'r', environment: 'prod', name: 'j' }, instanceCount: 2, taskConfig: {} };

test('creates PENDING tasks per instance and queries by AND-ed terms', () => {
  const tasks = newJobTasks(job, 1, 'h');
  assert.equal(
    tasks.map((t) => [t.assignedTask.instanceId, t.status]),
    [
      [0, 0],
      [1, 0],
    ],
  );
  assert.is(queryTasks(tasks, { jobKeys: [job.key], instanceIds: [1] }).length, 1);
  assert.is(queryTasks(tasks, { role: 'r', statuses: [ScheduleStatus.RUNNING] }).length, 0);
  assert.is(queryTasks(tasks, { offset: 1, limit: 5 }).length, 1);
});

test('the agent walks PENDING to RUNNING, or to FAILED when the executor crashes', () => {
  const o = { now: 2, scheduler: 'h', executorCrash: false };
  let tasks = newJobTasks(job, 1, 'h');
  for (let i = 0; i < 3; i++) tasks = advanceTasks(tasks, o);
  assert.ok(tasks.every((t) => t.status === ScheduleStatus.RUNNING));
  let crashing = newJobTasks(job, 1, 'h');
  for (let i = 0; i < 3; i++) crashing = advanceTasks(crashing, { ...o, executorCrash: true });
  const events = (crashing[0]?.taskEvents ?? []).map((e) => e.status);
  assert.equal(events, [ScheduleStatus.PENDING, ScheduleStatus.ASSIGNED, ScheduleStatus.FAILED]);
});

test('chooses the Thrift protocol by Content-Type and Accept', () => {
  assert.is(protocolForContentType(undefined), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.json; charset=utf-8'), 'json');
  assert.is(protocolForContentType('application/x-thrift'), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.binary'), 'binary');
  assert.is(protocolForContentType('text/plain'), 'unsupported');
  assert.is(protocolForContentType('application/json; charset=utf-8'), 'unsupported');
  assert.equal(replyFormat(undefined), {
    protocol: 'json',
    contentType: 'application/vnd.apache.thrift.json',
  });
  assert.is(replyFormat('application/vnd.apache.thrift.binary').protocol, 'binary');
});

test('fault switches parse strictly and merge', () => {
  assert.equal(parseFaults('{"slowMs":5}'), { slowMs: 5 });
  assert.throws(() => parseFaults('{"nope":1}'), /Unrecognized key: .*nope/);
  assert.equal(mergeFaults({ hang: true, backupFail: true }, { hang: false }), { backupFail: true });
});

test('parses Mesos master addresses and the serverset member JSON', () => {
  assert.equal(parseMasterAddress('zk://a:1,b:2/mesos/master'), {
    kind: 'zk',
    connectString: 'a:1,b:2',
    path: '/mesos/master',
  });
  assert.equal(parseMasterAddress('127.0.0.1:5050'), { kind: 'hostport', host: '127.0.0.1', port: 5050 });
  const json = encodeMember({ host: '127.0.50.1', port: 8081 }, 'http');
  assert.is(
    json,
    '{"serviceEndpoint":{"host":"127.0.50.1","port":8081},"additionalEndpoints":{"http":{"host":"127.0.50.1","port":8081}},"status":"ALIVE"}',
  );
  assert.equal(decodeMember(json), { host: '127.0.50.1', port: 8081 });
});

test('withoutConfig keeps the executor config and clears only its data', () => {
  const config = { executorConfig: { name: 'AuroraExecutor', data: 'big' }, priority: 3 };
  const [task] = newJobTasks({ ...job, taskConfig: config }, 1, 'h');
  const stripped = withoutConfig(task!);
  assert.equal(stripped.assignedTask.task?.executorConfig, { name: 'AuroraExecutor' });
  assert.is(stripped.assignedTask.task?.priority, 3);
  assert.is(task!.assignedTask.task?.executorConfig?.data, 'big');
});

test('role and job summaries count jobs per role and tasks per status class', () => {
  const [a, b] = newJobTasks(job, 1, 'h');
  const finished = transition(b!, ScheduleStatus.FINISHED, 5, 'h');
  const lost = transition(newJobTasks(job, 1, 'h')[0]!, ScheduleStatus.LOST, 6, 'h');
  const running = transition(a!, ScheduleStatus.RUNNING, 4, 'h');
  const other = newJobTasks({ ...job, key: { ...job.key, role: 'q' } }, 1, 'h').slice(0, 1);
  const tasks = [running, finished, lost, ...other];
  assert.equal(jobStats(tasks), {
    activeTaskCount: 1,
    finishedTaskCount: 1,
    failedTaskCount: 1,
    pendingTaskCount: 1,
  });
  assert.equal(
    roleSummaries(tasks).sort((x, y) => x.role.localeCompare(y.role)),
    [
      { role: 'q', jobCount: 1, cronJobCount: 0 },
      { role: 'r', jobCount: 1, cronJobCount: 0 },
    ],
  );
  const [summary] = jobSummaries(tasks, 'r');
  assert.is(summary?.job.instanceCount, 3);
  assert.equal(summary?.job.key, job.key);
  assert.is(jobSummaries(tasks, undefined).length, 2);
  assert.is(jobSummaries(tasks, 'nobody').length, 0);
});

test.run();
