import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResourceSpec, ScheduledTaskSpec } from '../../../src/thrift/api-schema.ts';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { decodeBinaryStruct, encodeBinaryStruct } from '../../../src/thrift/binary-protocol.ts';
import { decodeJsonStruct, encodeJsonStruct } from '../../../src/thrift/json-protocol.ts';
import { type TypeSpec, union } from '../../../src/thrift/schema.ts';

// 127.0.0.1 as the i64 the fork stores
const LOOPBACK = 0x7f000001;

const task = {
  assignedTask: {
    taskId: 't-ip',
    instanceId: 0,
    task: {
      job: { role: 'r', environment: 'e', name: 'n' },
      resources: [{ numCpus: 0.5 }, { ramMb: 128 }, { ipAddr: LOOPBACK }],
    },
  },
  status: ScheduleStatus.RUNNING,
};

test('a task carrying an ipAddr resource decodes in the binary and the JSON protocol', () => {
  assert.equal(decodeBinaryStruct(ScheduledTaskSpec, encodeBinaryStruct(ScheduledTaskSpec, task)), task);
  assert.equal(decodeJsonStruct(ScheduledTaskSpec, encodeJsonStruct(ScheduledTaskSpec, task)), task);
  assert.match(encodeJsonStruct(ScheduledTaskSpec, task), `{"6":{"i64":${LOOPBACK}}}`);
});

test('a union member the schema does not know is skipped, not a failure', () => {
  const fields = ResourceSpec.fields.filter((f) => f.name !== 'ipAddr');
  const older = union(
    'Resource',
    fields.map((f): [number, string, TypeSpec] => [f.id, f.name, f.type]),
  );
  const bytes = encodeBinaryStruct(ResourceSpec, { ipAddr: LOOPBACK });
  assert.is(bytes.length, 12, 'field header, i64 and STOP');
  assert.equal(decodeBinaryStruct(older, bytes), {});
  assert.equal(decodeJsonStruct(older, encodeJsonStruct(ResourceSpec, { ipAddr: LOOPBACK })), {});
});

test.run();
