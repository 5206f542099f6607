import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResponseSpec } from '../../../src/thrift/api-schema.ts';
import { ResponseCode, ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { decodeMessage, encodeMessage, MessageType, resultSpec } from '../../../src/thrift/message.ts';
import { argsSpecOf } from '../../../src/thrift/service-schema.ts';

test('encodes stageRecovery exactly as the documented TJSON call', () => {
  const spec = argsSpecOf('stageRecovery');
  assert.ok(spec);
  const bytes = encodeMessage('json', {
    name: 'stageRecovery',
    type: MessageType.CALL,
    seqid: 0,
    spec,
    body: { backupId: 'scheduler-backup-2024-01-01-00-00' },
  });
  assert.is(bytes.toString(), '[1,"stageRecovery",1,0,{"1":{"str":"scheduler-backup-2024-01-01-00-00"}}]');
});

test('decodes the documented deleteRecoveryTasks call', () => {
  const text = '[1,"deleteRecoveryTasks",1,0,{"1":{"rec":{"4":{"set":["str",1,"t-1"]}}}}]';
  const msg = decodeMessage('json', Buffer.from(text));
  assert.is(msg.name, 'deleteRecoveryTasks');
  assert.is(msg.type, MessageType.CALL);
  const spec = argsSpecOf(msg.name);
  assert.ok(spec);
  assert.equal(msg.body(spec), { query: { taskIds: ['t-1'] } });
});

test('decodes the upstream snapshot call with an empty args struct', () => {
  const msg = decodeMessage('json', Buffer.from('[1,"snapshot",1,0,{}]'));
  assert.is(msg.name, 'snapshot');
  assert.is(msg.seqid, 0);
});

test('an ERROR reply carries its message in field 6 and round-trips', () => {
  const spec = resultSpec('performBackup', ResponseSpec);
  const body = {
    success: {
      responseCode: ResponseCode.ERROR,
      serverInfo: { clusterName: 'devcluster' },
      details: [{ message: 'boom' }],
    },
  };
  const bytes = encodeMessage('json', {
    name: 'performBackup',
    type: MessageType.REPLY,
    seqid: 3,
    spec,
    body,
  });
  const text = bytes.toString();
  assert.ok(text.includes('"6":{"lst":["rec",1,{"1":{"str":"boom"}}]}'));
  assert.ok(text.startsWith('[1,"performBackup",2,3,{"0":{"rec":{"1":{"i32":2}'));
  assert.equal(decodeMessage('json', bytes).body(spec), body);
});

test('round-trips nested tasks with maps, sets, i64 and bool', () => {
  const spec = resultSpec('getTasksWithoutConfigs', ResponseSpec);
  const task = {
    assignedTask: {
      taskId: 't',
      instanceId: 0,
      assignedPorts: { http: 31000 },
      task: {
        job: { role: 'r', environment: 'prod', name: 'j' },
        isService: true,
        resources: [{ ramMb: 64 }],
      },
    },
    status: ScheduleStatus.RUNNING,
    taskEvents: [{ timestamp: 1_700_000_000_123, status: ScheduleStatus.PENDING }],
  };
  const body = {
    success: { responseCode: ResponseCode.OK, result: { scheduleStatusResult: { tasks: [task] } } },
  };
  const bytes = encodeMessage('json', { name: 'x', type: MessageType.REPLY, seqid: 1, spec, body });
  assert.equal(decodeMessage('json', bytes).body(spec), body);
});

test('rejects a message that is not a TJSON array', () => {
  assert.throws(
    () => decodeMessage('json', Buffer.from('{"a":1}')),
    /TJSONProtocol: message must be \[1, name/,
  );
});

test.run();
