// The streaming Snapshot decoder gives what the whole-buffer decoder gives, for any chunking, and reads a file
// incrementally: a task is handed over long before the file's end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BinaryReader, encodeBinaryStruct, readStruct } from '../../../src/thrift/binary-protocol.ts';
import { ScheduledTaskSpec } from '../../../src/thrift/api-schema.ts';
import type { ScheduledTask } from '../../../src/thrift/api-types.ts';
import type { StructValue } from '../../../src/thrift/schema.ts';
import { readSnapshotStream, SnapshotFormatError } from '../../../src/thrift/snapshot-stream.ts';
import { SnapshotSpec } from '../../../src/thrift/storage-schema.ts';
import { StreamingReader } from '../../../src/thrift/streaming-reader.ts';
import { streamStruct } from '../../../src/thrift/struct-stream.ts';
import { chunked, encodeSnapshot, makeTask, TIMESTAMP } from './snapshot-fixture.ts';

/** streamedStruct rebuilds the whole struct from the streaming walk, to compare it with readStruct's. */
async function streamedStruct(bytes: Buffer, chunkSize: number): Promise<StructValue> {
  const out: StructValue = {};
  await streamStruct(StreamingReader.from(chunked(bytes, chunkSize)), SnapshotSpec, {
    field: (f, v) => void (out[f.name] = v),
    begin: (f) => void (out[f.name] = []),
    element: (f, v) => void (out[f.name] as unknown[]).push(v),
  });
  return out;
}

const wholeDecode = (bytes: Buffer): StructValue => readStruct(new BinaryReader(bytes), SnapshotSpec);

test('the streaming walk equals the whole-buffer decoder, unknown fields skipped, for 1, 7 and 64 KiB chunks', async () => {
  const files = [
    encodeSnapshot({ tasks: 300, cronJobs: 4, quotas: 3, unknown: true }),
    encodeSnapshot({ tasks: 50, cronJobs: 0, quotas: 0 }),
    encodeSnapshot({ tasks: 0, cronJobs: 2, quotas: 1, unknown: true }),
    // field 1 first as an i32 (not the schema's i64: skipped), then as the i64 it is
    Buffer.from([8, 0, 1, 0, 0, 0, 5, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0]),
  ];
  for (const bytes of files) {
    const whole = wholeDecode(bytes);
    for (const size of [1, 7, 64 * 1024]) {
      assert.equal(await streamedStruct(bytes, size), whole, `chunks of ${size} bytes`);
    }
  }
});

test('readSnapshotStream hands over every task, cron job and quota in order, with the counts and timestamp', async () => {
  const bytes = encodeSnapshot({ tasks: 120, cronJobs: 3, quotas: 2, unknown: true });
  const whole = wholeDecode(bytes);
  const results = [];
  for (const size of [1, 7, 64 * 1024]) {
    const seen = { tasks: [] as unknown[], cronJobs: [] as unknown[], quotas: [] as unknown[] };
    const result = await readSnapshotStream(chunked(bytes, size), {
      task: (t) => seen.tasks.push(t),
      cronJob: (c) => seen.cronJobs.push(c),
      quota: (q) => seen.quotas.push(q),
    });
    assert.equal(seen.tasks, whole['tasks']);
    assert.equal(seen.cronJobs, whole['cronJobs']);
    assert.equal(seen.quotas, whole['quotaConfigurations']);
    results.push(result);
  }
  assert.equal(results[0], {
    tasks: 120,
    cronJobs: 3,
    quotas: 2,
    trailing: 0,
    timestamp: TIMESTAMP,
    schedulerMetadata: { frameworkId: 'framework-1', details: { version: '0.22.0' } },
  });
  assert.equal(results[1], results[0]);
  assert.equal(results[2], results[0]);
});

test('a file is read as it is decoded: each task arrives with little more than its own bytes read', async () => {
  const bytes = encodeSnapshot({ tasks: 2000 });
  const taskBytes = (n: number): number => encodeBinaryStruct(ScheduledTaskSpec, makeTask(n) as never).length;
  let pulled = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunked(bytes, 1024)) {
      pulled += chunk.length;
      yield chunk;
    }
  }
  let through = 11 + 8; // the timestamp field and the tasks set's header
  let ahead = 0;
  await readSnapshotStream(counted(), {
    task: (t: ScheduledTask) => {
      through += taskBytes(t.assignedTask.instanceId);
      ahead = Math.max(ahead, pulled - through);
    },
  });
  assert.ok(bytes.length > 500_000, `the file has ${bytes.length} bytes`);
  assert.ok(ahead <= 16 * 1024, `the reader ran ${ahead} bytes ahead of the task it handed over`);
});

test('malformed data is a SnapshotFormatError naming the byte where the failing value begins', async () => {
  const good = encodeSnapshot({ tasks: 2 });
  const cases: Array<[string, Buffer, RegExp]> = [
    ['unknown type', Buffer.from([99, 0, 1, 0]), /^at byte 3: TBinaryProtocol: unknown type 99$/],
    [
      'negative string',
      Buffer.from([11, 0, 30, 255, 255, 255, 254, 0]),
      /^at byte 7: TBinaryProtocol: negative length$/,
    ],
    [
      'negative set size',
      Buffer.from([14, 0, 4, 12, 255, 255, 255, 255, 0]),
      /^at byte 8: TBinaryProtocol: negative container size -1$/,
    ],
    [
      'wrong element type',
      Buffer.from([14, 0, 4, 8, 0, 0, 0, 1, 0, 0, 0, 7, 0]),
      /field tasks holds elements of type 8, not 12/,
    ],
    ['truncated', good.subarray(0, good.length - 40), /unexpected end of data/],
  ];
  for (const [what, data, why] of cases) {
    try {
      await readSnapshotStream(chunked(data, 7));
      assert.unreachable(what);
    } catch (err) {
      assert.instance(err, SnapshotFormatError, what);
      assert.match((err as Error).message, why, what);
    }
  }
});

test('a value past the size limit is refused after reading that much, not buffered to the end', async () => {
  // a string field whose length says 2 GiB, followed by 1 MiB of data
  const data = Buffer.concat([Buffer.from([11, 0, 30, 127, 255, 255, 255]), Buffer.alloc(1024 * 1024)]);
  const header = Buffer.from([12, 0, 20]);
  // inside a nested unknown struct the string is skipped unheld; as a set element it must be decoded whole
  const inSet = Buffer.concat([Buffer.from([14, 0, 30, 11, 0, 0, 0, 1]), data.subarray(3)]);
  await readSnapshotStream(chunked(Buffer.concat([header, data]), 4096)).then(
    () => assert.unreachable('the stream ends inside the string'),
    (err: unknown) => assert.match(String(err), /unexpected end of data/),
  );
  await readSnapshotStream(chunked(inSet, 4096), {}, { maxValueBytes: 64 * 1024 }).then(
    () => assert.unreachable('the element is larger than the limit'),
    (err: unknown) => assert.match(String(err), /at byte 8: a single value is larger than 65536 bytes/),
  );
});

test("the source's own failure (an I/O error) passes through as it is, and the source is closed", async () => {
  let closed = false;
  async function* failing(): AsyncGenerator<Uint8Array> {
    try {
      yield encodeSnapshot({ tasks: 3 }).subarray(0, 40);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    } finally {
      closed = true;
    }
  }
  await readSnapshotStream(failing()).then(
    () => assert.unreachable('the read failed'),
    (err: unknown) => {
      assert.not.instance(err, SnapshotFormatError);
      assert.is((err as NodeJS.ErrnoException).code, 'EIO');
    },
  );
  assert.ok(closed);
  closed = false;
  const early = readSnapshotStream(
    (async function* () {
      try {
        yield Buffer.from([99, 0, 1]);
        yield Buffer.alloc(10);
      } finally {
        closed = true;
      }
    })(),
  );
  await early.then(
    () => assert.unreachable('unknown type'),
    (err: unknown) => assert.instance(err, SnapshotFormatError),
  );
  assert.ok(closed, 'a decoding error closes the source before its end');
});

test('bytes after the Snapshot are counted, not decoded', async () => {
  const data = Buffer.concat([encodeSnapshot({ tasks: 1 }), Buffer.alloc(70_000, 1)]);
  assert.is((await readSnapshotStream(chunked(data, 4096))).trailing, 70_000);
});

test.run();
