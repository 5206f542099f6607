// The quorum hazard of "Changing the Quorum Size": replicas served over loopback in one log group, each started with
// its own -native_log_quorum_size. The documented orders write; the wrong ones refuse and report corruption risk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLibprocess } from '../../world/simulator/libprocess-server.ts';
import { createReplica, quorumHazard, type Replica } from '../../world/simulator/log-replica.ts';
import { replicaPid } from '../../world/simulator/log-group.ts';
import { writeReplica } from '../../world/simulator/log-store.ts';
import { createSimLog } from '../../world/simulator/sim-log.ts';
import type { ZkSession } from '../../world/simulator/zk-client.ts';

/** One in-memory ZooKeeper group shared by every replica of a test. */
function sharedGroup(): ZkSession {
  const nodes = new Map<string, Buffer>();
  let seq = 0;
  return {
    children: async () => [...nodes.keys()],
    data: async (path: string) => nodes.get(path.split('/').pop() ?? ''),
    mkdirp: async () => undefined,
    create: async (_path: string, data: Buffer) => {
      const name = String(seq++).padStart(10, '0');
      nodes.set(name, data);
      return `/log/${name}`;
    },
  } as unknown as ZkSession;
}

interface Group {
  replicas: Replica[];
  lines: string[];
  close(): Promise<void>;
}

/** starts one VOTING replica per quorum setting, all holding the same log at position 3 */
async function group(quorums: readonly number[]): Promise<Group> {
  const zk = sharedGroup();
  const lines: string[] = [];
  const dirs: string[] = [];
  const servers: { close(): void }[] = [];
  const replicas: Replica[] = [];
  for (const quorum of quorums) {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-'));
    dirs.push(dir);
    writeReplica(dir, { status: 'VOTING', position: 3, state: { tasks: [] } });
    const slot: { replica?: Replica } = {};
    const lib = await startLibprocess('127.0.0.1', 0, () => slot.replica);
    servers.push(lib.server);
    const replica = createReplica({
      dir,
      quorum,
      zk,
      groupPath: '/log',
      pid: replicaPid('127.0.0.1', lib.port),
      log: createSimLog(`q${quorum}`, (l) => lines.push(l)),
      readTimeoutMs: 500,
      writeTimeoutMs: 1000,
    });
    slot.replica = replica;
    await replica.join();
    replicas.push(replica);
  }
  return {
    replicas,
    lines,
    async close() {
      for (const r of replicas) {
        await r.flush();
        r.stop();
      }
      for (const s of servers) s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

async function appendFrom(writer: Replica): Promise<unknown> {
  const elected = await writer.electWriter();
  if (!elected.ok) return new Error(elected.reason);
  return writer.append({ tasks: [] }).then(
    () => 'written',
    (err: unknown) => err,
  );
}

test('quorumHazard: differing settings must each be a majority of the group; equal ones are not judged', () => {
  assert.is(quorumHazard(2, 3, [2, 3]), undefined);
  assert.is(quorumHazard(3, 5, [3, 3, 3, 3]), undefined);
  // equal settings are how Mesos runs (e.g. recovery-tool joining a 1-replica group at quorum 1)
  assert.is(quorumHazard(2, 5, []), undefined);
  assert.is(quorumHazard(1, 2, [1]), undefined);
  assert.match(quorumHazard(3, 5, [2]) ?? '', 'quorum settings 3 and 2 differ');
  assert.match(quorumHazard(2, 5, [3, 3]) ?? '', 'quorum 2 is not a majority of the 5 replicas');
  assert.match(quorumHazard(3, 4, [2]) ?? '', 'not a majority of the 4 replicas');
});

test('scale-up in order: a raised quorum on some of 3 replicas, then 5 replicas at quorum 3, both write', async () => {
  const raising = await group([2, 3, 3]);
  try {
    assert.is(await appendFrom(raising.replicas[0]!), 'written');
  } finally {
    await raising.close();
  }
  const grown = await group([3, 3, 3, 3, 3]);
  try {
    assert.is(await appendFrom(grown.replicas[0]!), 'written');
  } finally {
    await grown.close();
  }
});

test('wrong order up: new replicas join while the old ones still run quorum 2, and the log refuses to write', async () => {
  const g = await group([2, 2, 2, 3, 3]);
  try {
    const err = await appendFrom(g.replicas[0]!);
    assert.instance(err, Error);
    assert.match((err as Error).message, 'Log corruption risk: quorum 2 is not a majority of the 5 replicas');
    assert.ok(g.lines.some((l) => l.includes('the log may be corrupted')));
    assert.not.ok(g.replicas[0]!.isWriter, 'the writer is dropped, as after any failed append');
  } finally {
    await g.close();
  }
});

test('wrong order down: quorum lowered before replicas are removed; a peer with quorum 2 makes the write refused', async () => {
  const g = await group([3, 3, 3, 3, 2]);
  try {
    const err = await appendFrom(g.replicas[0]!);
    assert.instance(err, Error);
    assert.match(
      (err as Error).message,
      /quorum 2 is not a majority of the 5 replicas.*quorum settings 3 and [0-9, ]*2[0-9, ]* differ/,
    );
  } finally {
    await g.close();
  }
});

test.run();
