import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBinaryStruct, encodeBinaryStruct } from '../../../src/thrift/binary-protocol.ts';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { decodeMessage, encodeMessage, MessageType } from '../../../src/thrift/message.ts';
import { struct } from '../../../src/thrift/schema.ts';
import { argsSpecOf } from '../../../src/thrift/service-schema.ts';
import { SnapshotSpec } from '../../../src/thrift/storage-schema.ts';

test('writes a strict CALL header, name, seqid and an empty struct', () => {
  const spec = argsSpecOf('snapshot');
  assert.ok(spec);
  const bytes = encodeMessage('binary', {
    name: 'snapshot',
    type: MessageType.CALL,
    seqid: 7,
    spec,
    body: {},
  });
  assert.is(
    bytes.toString('hex'),
    '80010001' + '00000008' + Buffer.from('snapshot').toString('hex') + '00000007' + '00',
  );
  const msg = decodeMessage('binary', bytes);
  assert.is(msg.name, 'snapshot');
  assert.is(msg.type, MessageType.CALL);
  assert.is(msg.seqid, 7);
});

test('encodes a string field as type 11, id, length, bytes', () => {
  const spec = struct('S', [[1, 'backupId', 'string']]);
  assert.is(encodeBinaryStruct(spec, { backupId: 'ab' }).toString('hex'), '0b0001000000026162' + '00');
});

test('round-trips a Snapshot with tasks and metadata', () => {
  const snap = {
    timestamp: 1_700_000_000_000,
    tasks: [
      {
        assignedTask: {
          taskId: 't-1',
          instanceId: 2,
          task: { job: { role: 'r', environment: 'e', name: 'n' } },
        },
        status: ScheduleStatus.PENDING,
        taskEvents: [{ timestamp: 5, status: ScheduleStatus.PENDING, message: 'created' }],
      },
    ],
    schedulerMetadata: { frameworkId: 'fw', details: { a: 'b' } },
  };
  assert.equal(decodeBinaryStruct(SnapshotSpec, encodeBinaryStruct(SnapshotSpec, snap)), snap);
});

test("round-trips a snapshot far larger than the writer's first buffer", () => {
  const tasks = Array.from({ length: 500 }, (_, n) => ({
    assignedTask: {
      taskId: `task-${n}-${'x'.repeat(n % 40)}`,
      instanceId: n,
      task: { job: { role: 'r', environment: 'e', name: `j${n}` } },
    },
    status: ScheduleStatus.RUNNING,
    taskEvents: [{ timestamp: n, status: ScheduleStatus.RUNNING, message: 'é'.repeat(n % 7) }],
  }));
  const snap = { timestamp: 1, tasks };
  const bytes = encodeBinaryStruct(SnapshotSpec, snap);
  assert.ok(bytes.length > 20_000);
  assert.equal(decodeBinaryStruct(SnapshotSpec, bytes), snap);
});

test('skips fields the schema does not know', () => {
  const wide = struct('Wide', [
    [1, 'timestamp', 'i64'],
    [3, 'other', struct('X', [[1, 'v', 'double']])],
    [9, 'names', { kind: 'list', elem: 'string' }],
  ]);
  const bytes = encodeBinaryStruct(wide, { timestamp: 9, other: { v: 1.5 }, names: ['a'] });
  assert.equal(decodeBinaryStruct(SnapshotSpec, bytes), { timestamp: 9 });
});

test('fails on truncated data', () => {
  const bytes = encodeBinaryStruct(SnapshotSpec, { timestamp: 1, tasks: [] });
  assert.throws(
    () => decodeBinaryStruct(SnapshotSpec, bytes.subarray(0, 5)),
    /TBinaryProtocol: unexpected end of data/,
  );
});

test.run();
