// The agent decodes a backup where it lies, streaming it: what counts as a backup Aurora can load, for a file of
// any size and any read size, and a truncated file is unreadable at every byte.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBackupFile, scanBackupChunks } from '../../../src/agent/backup-check.ts';
import { chunked, encodeSnapshot, TIMESTAMP } from '../thrift/snapshot-fixture.ts';

const NAME = 'scheduler-backup-2026-11-30-04-00';

/** check writes the bytes to a temporary file and has checkBackupFile read it in chunks of `chunkBytes`. */
async function check(data: Uint8Array, chunkBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'backup-check-'));
  try {
    writeFileSync(join(dir, NAME), data);
    return await checkBackupFile(NAME, join(dir, NAME), chunkBytes === undefined ? {} : { chunkBytes });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** withinSeconds fails a decode that hangs instead of letting the test run forever. */
async function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

test('a whole snapshot is readable and reports its tasks and timestamp, for any read size', async () => {
  const data = encodeSnapshot({ tasks: 40, cronJobs: 2, quotas: 2, unknown: true });
  for (const chunkBytes of [1, 7, 64 * 1024, undefined]) {
    assert.equal(
      await check(data, chunkBytes),
      { name: NAME, size: data.length, verdict: 'readable', tasks: 40, timestamp: TIMESTAMP },
      `reads of ${chunkBytes ?? 'default'} bytes`,
    );
  }
  assert.is(
    (await check(encodeSnapshot({ tasks: 0 }))).tasks,
    0,
    'a cluster without tasks has a valid backup',
  );
});

test('truncated, padded, empty, timestamp-less and JSON files are unreadable, each with why', async () => {
  const good = encodeSnapshot({ tasks: 3 });
  const cases: Array<[string, Buffer, string]> = [
    ['truncated', good.subarray(0, Math.floor(good.length / 2)), 'unexpected end of data'],
    ['padded', Buffer.concat([good, Buffer.from([0, 1, 2])]), '3 bytes follow the end of the snapshot'],
    ['empty', Buffer.alloc(0), 'the file is empty'],
    ['no timestamp', encodeSnapshot({ tasks: 1, noTimestamp: true }), 'no timestamp'],
    ['json', Buffer.from(JSON.stringify({ tasks: [] })), 'not a Thrift Snapshot in TBinaryProtocol'],
  ];
  for (const [what, data, why] of cases) {
    const result = await check(data);
    assert.is(result.verdict, 'unreadable', what);
    assert.match(result.problem ?? '', why, what);
    assert.is(result.tasks, undefined, what);
  }
});

test('a file cut at every byte boundary is unreadable with a problem, never readable, a throw or a hang', async () => {
  const data = encodeSnapshot({ tasks: 2, cronJobs: 1, quotas: 1, unknown: true });
  assert.ok(data.length > 1000, `the snapshot has ${data.length} bytes`);
  for (let cut = 0; cut < data.length; cut++) {
    // (1-byte chunks are covered in test/unit/thrift/snapshot-stream.test.ts; here they would cost seconds)
    for (const chunkBytes of [7, 64 * 1024]) {
      // the decode checkBackupFile runs, fed from memory: a file per cut and read size would take minutes
      const scan = await withinSeconds(
        5,
        scanBackupChunks(cut, () => chunked(data.subarray(0, cut), chunkBytes)),
      );
      const where = `cut at ${cut}, chunks of ${chunkBytes}`;
      assert.ok('problem' in scan, where);
      const why =
        cut === 0 ? /^the file is empty$/ : /^not a Thrift Snapshot in TBinaryProtocol: at byte \d+: /;
      assert.match('problem' in scan ? scan.problem : '', why, where);
    }
  }
  for (const cut of [1, 11, 500, data.length - 1]) {
    const result = await withinSeconds(5, check(data.subarray(0, cut), 7));
    assert.is(result.verdict, 'unreadable', `file cut at ${cut}`);
    assert.match(result.problem ?? '', /unexpected end of data/, `file cut at ${cut}`);
  }
});

test('a file above the old 256 MiB limit is decoded, in bounded memory, not left unchecked', async () => {
  // a sparse file: the timestamp, then an unknown string field of 257 MiB of zeros, a task, and the Snapshot's end
  const length = 257 * 1024 * 1024;
  const head = Buffer.concat([
    Buffer.from([10, 0, 1]),
    Buffer.from(new BigInt64Array([BigInt(TIMESTAMP)]).buffer).reverse(),
    Buffer.from([11, 0, 21]),
    Buffer.from([(length >>> 24) & 255, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]),
  ]);
  const tail = encodeSnapshot({ tasks: 1, noTimestamp: true });
  const dir = mkdtempSync(join(tmpdir(), 'backup-check-'));
  try {
    const path = join(dir, NAME);
    const file = await open(path, 'w');
    await file.write(head, 0, head.length, 0);
    await file.write(tail, 0, tail.length, head.length + length);
    await file.close();
    const rssBefore = process.memoryUsage().rss;
    const result = await checkBackupFile(NAME, path);
    const grew = process.memoryUsage().rss - rssBefore;
    assert.equal(result, {
      name: NAME,
      size: head.length + length + tail.length,
      verdict: 'readable',
      tasks: 1,
      timestamp: TIMESTAMP,
    });
    // reading the whole file would take 257 MiB at once; chunks not yet collected may add tens of MiB
    assert.ok(grew < 128 * 1024 * 1024, `RSS grew by ${grew} bytes while decoding a 257 MiB file`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
