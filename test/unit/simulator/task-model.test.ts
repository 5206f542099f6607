import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { advanceTasks } from '../../world/simulator/task-agent.ts';
import { newJobTasks, queryTasks } from '../../world/simulator/task-model.ts';
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
  assert.is(protocolForContentType('text/plain'), undefined);
  assert.equal(replyFormat(undefined), { protocol: 'json', contentType: 'application/json' });
  assert.is(replyFormat('application/vnd.apache.thrift.binary').protocol, 'binary');
});

test('fault switches parse strictly and merge', () => {
  assert.equal(parseFaults('{"slowMs":5}'), { slowMs: 5 });
  assert.throws(() => parseFaults('{"nope":1}'));
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

test.run();
