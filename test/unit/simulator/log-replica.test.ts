import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { createReplica, type Replica } from '../../world/simulator/log-replica.ts';
import {
  readReplica,
  writeReplica,
  type ReplicaRecord,
  type StoredState,
} from '../../world/simulator/log-store.ts';
import { createSimLog } from '../../world/simulator/sim-log.ts';
import type { ZkSession } from '../../world/simulator/zk-client.ts';

const ONE_TASK: StoredState = {
  tasks: [{ assignedTask: { taskId: 't1', instanceId: 0 }, status: ScheduleStatus.RUNNING }],
};

/** A log group with no other member: the replica talks to nobody but itself. */
const aloneInGroup = {
  children: () => Promise.resolve([]),
  data: () => Promise.resolve(undefined),
  mkdirp: () => Promise.resolve(),
  create: (path: string) => Promise.resolve(`${path}0000000000`),
} as unknown as ZkSession;

function setup(
  initial: ReplicaRecord | undefined,
  o: { quorum?: number; writeTimeoutMs?: number; appendDelayMs?: number } = {},
): { replica: Replica; dir: string; lines: string[]; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'replica-'));
  if (initial) writeReplica(dir, initial);
  const lines: string[] = [];
  const replica = createReplica({
    dir,
    quorum: o.quorum ?? 1,
    zk: aloneInGroup,
    groupPath: '/log',
    pid: 'log-replica(1)@127.0.0.1:1',
    log: createSimLog('test', (l) => lines.push(l)),
    readTimeoutMs: 500,
    writeTimeoutMs: o.writeTimeoutMs ?? 1000,
    appendDelayMs: () => o.appendDelayMs ?? 0,
  });
  return {
    replica,
    dir,
    lines,
    done: () => {
      replica.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('an EMPTY replica ignores promises and writes: it never votes before catching up', () => {
  const { replica, lines, done } = setup(undefined);
  try {
    assert.equal(replica.onPromise(1, 'w'), { type: 'IGNORED', status: 'EMPTY' });
    assert.equal(replica.onWrite(1, ONE_TASK, 1, 'w'), { ok: false, quorum: 1 });
    assert.is(replica.record.status, 'EMPTY');
    assert.is(replica.onRecover().status, 'EMPTY');
    assert.ok(
      lines.some((l) => l.includes('Replica ignoring promise request from w as it is in EMPTY status')),
    );
    assert.ok(
      lines.some((l) => l.includes('Replica in EMPTY status received a broadcasted recover request')),
    );
  } finally {
    done();
  }
});

test('promises are kept on disk; lower proposals and their writes are rejected', () => {
  const { replica, dir, done } = setup({ status: 'VOTING', position: 0, state: null });
  try {
    assert.equal(replica.onPromise(5, 'w'), {
      type: 'ACCEPT',
      status: 'VOTING',
      position: 0,
      promised: 5,
      writer: false,
      quorum: 1,
    });
    assert.equal(replica.onPromise(5, 'x'), { type: 'REJECT', promised: 5 });
    assert.equal(replica.onWrite(1, ONE_TASK, 4, 'old'), { ok: false, promised: 5, quorum: 1 });
    assert.equal(replica.onWrite(1, ONE_TASK, 5, 'w'), { ok: true, quorum: 1 });
    assert.equal(readReplica(dir), { status: 'VOTING', position: 1, state: ONE_TASK, promised: 5 });
  } finally {
    done();
  }
});

test('a write from a writer whose log ends lower replaces a newer state and logs the loss', () => {
  const { replica, lines, done } = setup({ status: 'VOTING', position: 7, state: ONE_TASK, promised: 2 });
  try {
    assert.equal(replica.onWrite(1, { tasks: [] }, 3, 'log-replica(1)@127.0.0.9:8083'), {
      ok: true,
      quorum: 1,
    });
    assert.is(replica.record.position, 1);
    assert.equal(replica.record.state, { tasks: [] });
    const loss = lines.find((l) => l.includes('are lost'));
    assert.ok(loss, lines.join(''));
    assert.match(
      loss,
      'Replica at position 7 accepted a write at position 1 from log-replica(1)@127.0.0.9:8083',
    );
  } finally {
    done();
  }
});

test('elected writer appends; a newer promise supersedes it and its next append fails without writing', async () => {
  const { replica, dir, done } = setup({ status: 'VOTING', position: 3, state: ONE_TASK });
  try {
    const notElected = await replica.append({ tasks: [] }).catch((e: unknown) => e);
    assert.instance(notElected, Error);
    assert.is((notElected as Error).message, 'The log has encountered an error and cannot be used.');

    const elected = await replica.electWriter();
    assert.equal(elected, { ok: true, proposal: 1, position: 3, supersededWriters: [] });
    assert.ok(replica.isWriter);
    assert.ok(replica.onRecover().writer);
    await replica.append({ tasks: [] });
    assert.equal(readReplica(dir), { status: 'VOTING', position: 4, state: { tasks: [] }, promised: 1 });

    const answer = replica.onPromise(2, 'log-replica(1)@127.0.0.2:1');
    assert.equal(answer, {
      type: 'ACCEPT',
      status: 'VOTING',
      position: 4,
      promised: 2,
      writer: true,
      quorum: 1,
    });
    assert.not.ok(replica.isWriter);
    const err = await replica.append(ONE_TASK).catch((e: unknown) => e);
    assert.instance(err, Error);
    assert.match((err as Error).message, 'Coordinator demoted: proposal 1 was superseded by proposal 2');
    assert.is(readReplica(dir).position, 4);
  } finally {
    done();
  }
});

test('an append that cannot finish within the write timeout stores nothing', async () => {
  const { replica, dir, done } = setup(
    { status: 'VOTING', position: 2, state: ONE_TASK },
    { writeTimeoutMs: 50, appendDelayMs: 120 },
  );
  try {
    assert.ok((await replica.electWriter()).ok);
    const err = await replica.append({ tasks: [] }).catch((e: unknown) => e);
    assert.instance(err, Error);
    assert.match((err as Error).message, 'Timeout performing log append at position 3');
    assert.equal(readReplica(dir).state, ONE_TASK);
    assert.is(readReplica(dir).position, 2);
    assert.not.ok(replica.isWriter);
  } finally {
    done();
  }
});

test('a writer needs a quorum: alone with quorum 2 there is no election', async () => {
  const { replica, done } = setup({ status: 'VOTING', position: 0, state: null }, { quorum: 2 });
  try {
    assert.equal(await replica.electWriter(), {
      ok: false,
      reason: '1 of quorum 2 VOTING replicas reachable',
    });
    assert.not.ok(replica.isWriter);
  } finally {
    done();
  }
});

test.run();
