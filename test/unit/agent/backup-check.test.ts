// The agent decodes a backup where it lies: what counts as a backup Aurora can load.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBackupBytes, checkBackupFile } from '../../../src/agent/backup-check.ts';
import { encodeBinaryStruct } from '../../../src/thrift/binary-protocol.ts';
import type { StructValue } from '../../../src/thrift/schema.ts';
import { SnapshotSpec } from '../../../src/thrift/storage-schema.ts';

const NAME = 'scheduler-backup-2026-11-30-04-00';

function snapshot(tasks: number, timestamp: number | null = 1_764_475_200_000): Buffer {
  const value: Record<string, unknown> = {
    tasks: Array.from({ length: tasks }, (_, i) => ({
      assignedTask: { taskId: `t-${i}`, task: { job: { role: 'www', environment: 'prod', name: 'hello' } } },
      status: 2,
    })),
  };
  if (timestamp !== null) value['timestamp'] = timestamp;
  return encodeBinaryStruct(SnapshotSpec, value as StructValue);
}

test('a whole snapshot is readable and reports its tasks and timestamp', () => {
  const check = checkBackupBytes(NAME, snapshot(3));
  assert.is(check.verdict, 'readable');
  assert.is(check.tasks, 3);
  assert.is(check.timestamp, 1_764_475_200_000);
  assert.is(checkBackupBytes(NAME, snapshot(0)).tasks, 0, 'a cluster without tasks has a valid backup');
});

test('truncated, padded, empty, timestamp-less and JSON files are unreadable, each with why', () => {
  const good = snapshot(3);
  const cases: Array<[string, Buffer, string]> = [
    ['truncated', good.subarray(0, Math.floor(good.length / 2)), 'unexpected end of data'],
    ['padded', Buffer.concat([good, Buffer.from([0, 1, 2])]), '3 bytes follow the end of the snapshot'],
    ['empty', Buffer.alloc(0), 'the file is empty'],
    ['no timestamp', snapshot(1, null), 'no timestamp'],
    ['json', Buffer.from(JSON.stringify({ tasks: [] })), 'not a Thrift Snapshot in TBinaryProtocol'],
  ];
  for (const [what, data, why] of cases) {
    const check = checkBackupBytes(NAME, data);
    assert.is(check.verdict, 'unreadable', what);
    assert.match(check.problem ?? '', why, what);
    assert.is(check.tasks, undefined, what);
  }
});

test('the file check reads the file from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-check-'));
  writeFileSync(join(dir, NAME), snapshot(2));
  const check = await checkBackupFile(NAME, join(dir, NAME));
  assert.equal(check, {
    name: NAME,
    size: snapshot(2).length,
    verdict: 'readable',
    tasks: 2,
    timestamp: 1_764_475_200_000,
  });
});

test.run();
