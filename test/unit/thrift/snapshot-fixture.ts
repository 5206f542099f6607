// Backup snapshots for the decoder tests: tasks, cron jobs and quotas as Aurora writes them, optionally wrapped in
// fields our schema does not know (every Thrift type, nested), which a decoder must skip.
import { encodeBinaryStruct } from '../../../src/thrift/binary-protocol.ts';
import { ScheduledTaskSpec } from '../../../src/thrift/api-schema.ts';
import { ScheduleStatus, type ScheduledTask } from '../../../src/thrift/api-types.ts';
import {
  list,
  map,
  set,
  struct,
  type StructSpec,
  type StructValue,
  type TypeSpec,
} from '../../../src/thrift/schema.ts';
import {
  QuotaConfigurationSpec,
  SnapshotSpec,
  StoredCronJobSpec,
  type QuotaConfiguration,
  type StoredCronJob,
} from '../../../src/thrift/storage-schema.ts';

export const TIMESTAMP = 1_764_475_200_000;

/** A struct using every Thrift type, nested, standing in for fields a newer Aurora writes. */
const Everything = struct('Everything', [
  [1, 'flag', 'bool'],
  [2, 'small', 'byte'],
  [3, 'short', 'i16'],
  [4, 'int', 'i32'],
  [5, 'long', 'i64'],
  [6, 'real', 'double'],
  [7, 'text', 'string'],
  [8, 'blob', 'binary'],
  [9, 'byName', map('string', list('i16'))],
  [10, 'nested', set(struct('Inner', [[1, 'values', map('i32', set('string'))]]))],
]);

const everything = (n: number): StructValue => ({
  flag: n % 2 === 0,
  small: -3,
  short: 300 + n,
  int: -70_000 * n,
  long: 2 ** 40 + n,
  real: n / 3,
  text: `host-${n}-é`,
  blob: Buffer.from([0, 255, n & 255]),
  byName: { a: [1, 2, n], b: [] },
  nested: [{ values: { 1: ['x', `y${n}`], [-2]: [] } }],
});

/** widen adds unknown fields (ids the schema does not use) to a struct, written in id order among the known. */
function widen(spec: StructSpec, extra: readonly [number, string, TypeSpec][]): StructSpec {
  const known = spec.fields.map((f): [number, string, TypeSpec] => [f.id, f.name, f.type]);
  return struct(
    spec.name,
    [...known, ...extra].sort(([a], [b]) => a - b),
  );
}

const WideTaskSpec = widen(ScheduledTaskSpec, [
  [40, 'extra', Everything],
  [41, 'extraList', list(Everything)],
]);

const WideSnapshotSpec = widen(
  struct('Snapshot', [
    [1, 'timestamp', 'i64'],
    [4, 'tasks', set(WideTaskSpec)],
    [5, 'cronJobs', set(StoredCronJobSpec)],
    [6, 'schedulerMetadata', SnapshotSpec.fields.find((f) => f.id === 6)!.type],
    [8, 'quotaConfigurations', set(QuotaConfigurationSpec)],
  ]),
  [
    [3, 'hostAttributes', set(Everything)],
    [10, 'jobUpdateDetails', list(map('string', Everything))],
    [13, 'hostMaintenanceRequests', set(list(set('string')))],
    [20, 'unknownStruct', Everything],
    [21, 'unknownText', 'string'],
    [22, 'unknownNumber', 'double'],
  ],
);

export function makeTask(n: number): ScheduledTask {
  return {
    assignedTask: {
      taskId: `1764475200000-www-prod-hello-${n}-${'x'.repeat(n % 13)}`,
      slaveId: `agent-${n % 5}`,
      ...(n % 4 === 3 ? {} : { slaveHost: `host-${n % 5}.example.internal` }),
      instanceId: n,
      assignedPorts: { http: 31000 + n },
      task: {
        job: { role: 'www', environment: 'prod', name: `hello-${n % 3}` },
        owner: { user: 'www' },
        isService: true,
        priority: 0,
        production: n % 2 === 0,
        tier: 'preferred',
        resources: [{ numCpus: 0.5 }, { ramMb: 128 + (n % 3) }, { diskMb: 64 }, { namedPort: 'http' }],
        constraints: [{ name: 'rack', constraint: { limit: { limit: 2 } } }],
        executorConfig: { name: 'AuroraExecutor', data: `{"task": ${n}}` },
        metadata: [{ key: 'team', value: 'web' }],
        container: { mesos: {} },
      },
    },
    status: n % 7 === 0 ? ScheduleStatus.PENDING : ScheduleStatus.RUNNING,
    failureCount: n % 2,
    taskEvents: [
      { timestamp: TIMESTAMP - 1000, status: ScheduleStatus.PENDING, scheduler: 'scheduler-0' },
      { timestamp: TIMESTAMP - 500, status: ScheduleStatus.RUNNING, message: 'started' },
    ],
  };
}

export function makeCronJob(n: number): StoredCronJob {
  return {
    jobConfiguration: {
      key: { role: 'batch', environment: 'prod', name: `nightly-${n}` },
      owner: { user: 'batch' },
      cronSchedule: `${n % 60} 2 * * *`,
      cronCollisionPolicy: 0,
      taskConfig: {
        job: { role: 'batch', environment: 'prod', name: `nightly-${n}` },
        resources: [{ numCpus: 1 }],
      },
      instanceCount: 1,
    },
  };
}

export function makeQuota(n: number): QuotaConfiguration {
  return { role: `role-${n}`, quota: { resources: [{ diskMb: 1024 }, { numCpus: 4 + n }, { ramMb: 8192 }] } };
}

export interface SnapshotShape {
  tasks: number;
  cronJobs?: number;
  quotas?: number;
  /** add fields the schema does not know, in the snapshot and in each task */
  unknown?: boolean;
  /** leave field 1 out */
  noTimestamp?: boolean;
}

/** snapshotValue builds the Snapshot as a StructValue (with the unknown fields when asked). */
export function snapshotValue(shape: SnapshotShape): StructValue {
  const value: StructValue = {
    tasks: Array.from({ length: shape.tasks }, (_, n) =>
      shape.unknown ? { ...makeTask(n), extra: everything(n), extraList: [everything(n + 1)] } : makeTask(n),
    ),
    cronJobs: Array.from({ length: shape.cronJobs ?? 0 }, (_, n) => makeCronJob(n)),
    quotaConfigurations: Array.from({ length: shape.quotas ?? 0 }, (_, n) => makeQuota(n)),
    schedulerMetadata: { frameworkId: 'framework-1', details: { version: '0.22.0' } },
  };
  if (!shape.noTimestamp) value['timestamp'] = TIMESTAMP;
  if (shape.unknown) {
    Object.assign(value, {
      hostAttributes: [everything(1), everything(2)],
      jobUpdateDetails: [{ one: everything(3) }, {}],
      hostMaintenanceRequests: [[['a', 'b'], []], []],
      unknownStruct: everything(4),
      unknownText: 'z'.repeat(300),
      unknownNumber: 1.25,
    });
  }
  return value;
}

export function encodeSnapshot(shape: SnapshotShape): Buffer {
  return encodeBinaryStruct(shape.unknown ? WideSnapshotSpec : SnapshotSpec, snapshotValue(shape));
}

/** chunked hands a buffer over in chunks of `size` bytes, as a file stream would. */
export async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, Math.min(at + size, data.length));
}
