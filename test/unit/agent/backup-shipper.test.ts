// One shipping round against a fake store: which local files are complete, each shipped once, an object that
// already exists counts as shipped, failures are reported for back-off, unreadable files are never shipped, and
// retention deletes only on the leader's agent after a clean round, never the newest.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BackupShipper, type ShipperStore, type StoredObject } from '../../../src/agent/backup-shipper.ts';
import { createLogger } from '../../../src/log.ts';
import type { BackupDescription } from '../../../src/objectstore/backup-metadata.ts';
import { sha256OfFile, type Digest } from '../../../src/objectstore/hashing-stream.ts';
import { ObjectStoreError } from '../../../src/objectstore/object-store-errors.ts';
import type { RetentionPolicy } from '../../../src/objectstore/plan-retention.ts';
import { encodeSnapshot, TIMESTAMP } from '../thrift/snapshot-fixture.ts';

const A = 'scheduler-backup-2026-12-06-01-00';
const B = 'scheduler-backup-2026-12-06-02-00';
const C = 'scheduler-backup-2026-12-06-03-00';

class FakeStore implements ShipperStore {
  objects = new Map<string, StoredObject>();
  uploads: { name: string; description: BackupDescription; digest?: Digest | undefined }[] = [];
  removed: string[] = [];
  failUploads: ObjectStoreError | undefined;
  /** an upload waits for this before it finishes, as with a slow store */
  gate: Promise<void> | undefined;
  async list(): Promise<StoredObject[]> {
    return [...this.objects.values()];
  }
  async upload(input: {
    file: string;
    name: string;
    description: BackupDescription;
    digest?: Digest;
  }): Promise<{ size: number }> {
    this.uploads.push({ name: input.name, description: input.description, digest: input.digest });
    await this.gate;
    if (this.failUploads) throw this.failUploads;
    const size = 100;
    this.objects.set(input.name, { name: input.name, time: new Date(input.description.snapshotTime), size });
    return { size };
  }
  async remove(name: string): Promise<void> {
    this.removed.push(name);
    this.objects.delete(name);
  }
}

interface World {
  dir: string;
  store: FakeStore;
  shipper: BackupShipper;
  clock: { ms: number };
  leader: { is: boolean };
  cleanup: () => void;
}

function world(retention?: RetentionPolicy): World {
  const dir = mkdtempSync(join(tmpdir(), 'shipper-'));
  const store = new FakeStore();
  const clock = { ms: Date.parse('2026-12-06T04:00:00Z') };
  const leader = { is: false };
  const shipper = new BackupShipper({
    backupDir: dir,
    store,
    retention,
    cluster: 'example',
    auroraVersion: '0.22.0',
    isLeader: async () => leader.is,
    settleMs: 2_000,
    log: createLogger('shipper-test', 'silent'),
    now: () => new Date(clock.ms),
  });
  return { dir, store, shipper, clock, leader, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** writes a backup whose mtime is the fake clock's now, so its age never depends on the wall clock */
function writeBackup(w: World, name: string, tasks = 2): void {
  const path = join(w.dir, name);
  writeFileSync(path, encodeSnapshot({ tasks }));
  utimesSync(path, new Date(w.clock.ms), new Date(w.clock.ms));
}

/** two rounds settleMs apart: every file present at the first look is complete at the second */
async function twoLooks(w: World): Promise<void> {
  await w.shipper.round();
  w.clock.ms += 2_000;
  await w.shipper.round();
}

test('a file is shipped only after two looks settleMs apart saw the same size; temp_ files never', async () => {
  const w = world();
  try {
    writeBackup(w, A, 3);
    writeFileSync(join(w.dir, `temp_${B}`), encodeSnapshot({ tasks: 1 }));
    const first = await w.shipper.round();
    assert.is(first.settling, 1);
    assert.equal(w.store.uploads, []);
    w.clock.ms += 1_000;
    await w.shipper.round();
    assert.equal(w.store.uploads, [], 'too soon for the second look');
    w.clock.ms += 1_000;
    await w.shipper.round();
    assert.equal(
      w.store.uploads.map((u) => u.name),
      [A],
    );
    assert.equal(w.store.uploads[0]?.description, {
      snapshotTime: new Date(TIMESTAMP).toISOString(),
      taskCount: 3,
      cluster: 'example',
      auroraVersion: '0.22.0',
    });
    // the decode's read hashed the file: the upload is handed its SHA-256 instead of reading it once more first
    assert.equal(w.store.uploads[0]?.digest, await sha256OfFile(join(w.dir, A)));
    const status = w.shipper.status();
    assert.equal(status.lastShipped, {
      name: A,
      at: new Date(w.clock.ms).toISOString(),
      size: 100,
      tasks: 3,
    });
    assert.is(status.pending, 0);
    assert.is(status.objects, 1);
  } finally {
    w.cleanup();
  }
});

test('a file that grows between looks (Aurora flushes after its rename) waits until it stops changing', async () => {
  const w = world();
  try {
    writeFileSync(join(w.dir, A), encodeSnapshot({ tasks: 2 }).subarray(0, 40));
    await w.shipper.round();
    w.clock.ms += 2_000;
    writeBackup(w, A, 2);
    await w.shipper.round();
    assert.equal(w.store.uploads, []);
    assert.is(w.shipper.status().pending, 1);
    w.clock.ms += 2_000;
    await w.shipper.round();
    assert.equal(
      w.store.uploads.map((u) => u.name),
      [A],
    );
  } finally {
    w.cleanup();
  }
});

test('each backup is uploaded once: the next rounds find it in the store', async () => {
  const w = world();
  try {
    writeBackup(w, A);
    writeBackup(w, B);
    await twoLooks(w);
    w.clock.ms += 30_000;
    await w.shipper.round();
    await w.shipper.round();
    assert.equal(w.store.uploads.map((u) => u.name).sort(), [A, B]);
  } finally {
    w.cleanup();
  }
});

test('OBJECT_ALREADY_EXISTS counts as shipped (another replica won), not as a failure', async () => {
  const w = world();
  try {
    writeBackup(w, A);
    w.store.failUploads = new ObjectStoreError('OBJECT_ALREADY_EXISTS', 'exists');
    await w.shipper.round();
    w.clock.ms += 2_000;
    const round = await w.shipper.round();
    assert.is(round.failed, false);
    const status = w.shipper.status();
    assert.is(status.uploadFailures, 0);
    assert.is(status.pending, 0);
    assert.is(status.lastError, undefined);
    assert.is(status.lastShipped, undefined, 'this agent did not ship it');
  } finally {
    w.cleanup();
  }
});

test('a transient failure fails the round (the loop backs off) and a clean round clears it', async () => {
  const w = world();
  try {
    writeBackup(w, A);
    writeBackup(w, B);
    w.store.failUploads = new ObjectStoreError('OBJECT_STORE_UNREACHABLE', 'connection refused');
    await w.shipper.round();
    w.clock.ms += 2_000;
    const failed = await w.shipper.round();
    assert.is(failed.failed, true);
    assert.is(w.store.uploads.length, 1, 'the round stops at the first failure');
    let status = w.shipper.status();
    assert.is(status.uploadFailures, 1);
    assert.is(status.lastError?.code, 'OBJECT_STORE_UNREACHABLE');
    assert.is(status.pending, 2);
    w.store.failUploads = undefined;
    w.clock.ms += 5_000;
    const ok = await w.shipper.round();
    assert.is(ok.failed, false);
    status = w.shipper.status();
    assert.is(status.lastError, undefined);
    assert.is(status.pending, 0);
    assert.equal([...w.store.objects.keys()].sort(), [A, B]);
  } finally {
    w.cleanup();
  }
});

test('the upload in flight is reported with its start while it runs, and gone once it ends or fails', async () => {
  const w = world();
  try {
    writeBackup(w, A);
    await w.shipper.round();
    w.clock.ms += 2_000;
    let release: () => void = () => {};
    w.store.gate = new Promise((resolve) => (release = resolve));
    w.store.failUploads = new ObjectStoreError('OBJECT_STORE_UNREACHABLE', 'timed out');
    const since = new Date(w.clock.ms).toISOString();
    const round = w.shipper.round();
    while (w.store.uploads.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const during = w.shipper.status();
    assert.equal(during.uploading, { name: A, size: encodeSnapshot({ tasks: 2 }).length, since });
    release();
    assert.is((await round).failed, true);
    assert.is(w.shipper.status().uploading, undefined, 'a failed upload is not in flight');
    w.store.gate = undefined;
    w.store.failUploads = undefined;
    await w.shipper.round();
    const after = w.shipper.status();
    assert.is(after.lastShipped?.name, A);
    assert.is(after.uploading, undefined);
  } finally {
    w.cleanup();
  }
});

test('a listing failure fails the round before any upload', async () => {
  const w = world();
  try {
    writeBackup(w, A);
    w.store.list = async () => {
      throw new ObjectStoreError('OBJECT_STORE_FORBIDDEN', 'access denied');
    };
    await w.shipper.round();
    w.clock.ms += 2_000;
    assert.is((await w.shipper.round()).failed, true);
    assert.equal(w.store.uploads, []);
    assert.is(w.shipper.status().lastError?.code, 'OBJECT_STORE_FORBIDDEN');
  } finally {
    w.cleanup();
  }
});

test('an unreadable file is reported and never shipped, nor decoded again while it stays the same', async () => {
  const w = world();
  try {
    writeFileSync(join(w.dir, A), Buffer.from('not a snapshot at all'));
    writeBackup(w, B);
    await twoLooks(w);
    assert.equal(
      w.store.uploads.map((u) => u.name),
      [B],
    );
    const status = w.shipper.status();
    assert.equal(status.unreadable, [A]);
    assert.is(status.lastError?.code, 'AGENT_BACKUP_UNREADABLE');
    assert.match(status.lastError?.message ?? '', A);
    assert.is(status.pending, 0);
    w.clock.ms += 30_000;
    await w.shipper.round();
    assert.equal(
      w.store.uploads.map((u) => u.name),
      [B],
    );
  } finally {
    w.cleanup();
  }
});

test('retention deletes only on the leader, never the newest, and not after a failed round', async () => {
  const w = world({ keepLast: 1 });
  try {
    const hour = 3_600_000;
    for (const [i, name] of [A, B, C].entries()) {
      w.store.objects.set(name, { name, time: new Date(w.clock.ms - (3 - i) * hour), size: 10 });
    }
    await w.shipper.round();
    assert.equal(w.store.removed, [], 'a follower deletes nothing');
    assert.is(w.shipper.status().objects, 3);
    w.leader.is = true;
    const failing = w.store.list;
    w.store.list = async () => {
      throw new ObjectStoreError('OBJECT_STORE_UNREACHABLE', 'down');
    };
    await w.shipper.round();
    assert.equal(w.store.removed, [], 'no retention after a failed round');
    w.store.list = failing;
    await w.shipper.round();
    assert.equal(w.store.removed, [A, B]);
    assert.equal([...w.store.objects.keys()], [C]);
    assert.is(w.shipper.status().objects, 1);
  } finally {
    w.cleanup();
  }
});

test('a local backup the policy would delete at once is not shipped; the newest always is', async () => {
  const w = world({ keepLast: 1 });
  try {
    writeBackup(w, A);
    await twoLooks(w);
    assert.equal(
      w.store.uploads.map((u) => u.name),
      [A],
      'the only backup is the newest',
    );
    w.store.objects.set(C, { name: C, time: new Date(w.clock.ms + 3_600_000), size: 10 });
    writeBackup(w, B);
    w.clock.ms += 2_000;
    await twoLooks(w);
    assert.ok(!w.store.uploads.some((u) => u.name === B), 'B is older than the kept newest');
    assert.is(w.shipper.status().pending, 0);
  } finally {
    w.cleanup();
  }
});

test.run();
