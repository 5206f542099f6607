// Curator LeaderSelector lock recipe: protected ephemeral-sequential `_c_<uuid>-lock-` nodes, lowest leads.
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { sequenceOf, type ZkSession } from './zk-client.ts';

export interface LeaderElection {
  /** Joins the election; `onElected` fires once, when our lock node becomes the lowest. */
  start(): Promise<void>;
  /** Deletes our lock node so the next candidate takes over. */
  leave(): Promise<void>;
  readonly nodeName: string | undefined;
}

const LOCK_MARKER = '-lock-';

export function lockNodesInOrder(children: readonly string[]): string[] {
  return children.filter((c) => c.includes(LOCK_MARKER)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

export function createLeaderElection(
  zk: ZkSession,
  path: string,
  participantId: string,
  onElected: () => void,
): LeaderElection {
  let ourPath: string | undefined;
  let elected = false;
  let stopped = false;

  async function check(): Promise<void> {
    if (stopped || elected || !ourPath) return;
    const ours = ourPath.slice(path.length + 1);
    const ordered = lockNodesInOrder(await zk.children(path));
    const index = ordered.indexOf(ours);
    if (index < 0) throw new Error(`Lost our election node ${ourPath}`);
    if (index === 0) {
      elected = true;
      onElected();
      return;
    }
    const predecessor = `${path}/${ordered[index - 1] ?? ''}`;
    const exists = await zk.exists(predecessor, (event) => {
      if (event.getType() === zookeeper.Event.NODE_DELETED) void check().catch(() => undefined);
    });
    if (!exists) await check();
  }

  return {
    get nodeName() {
      return ourPath;
    },
    async start() {
      await zk.mkdirp(path);
      const prefix = `${path}/_c_${randomUUID()}${LOCK_MARKER}`;
      ourPath = await zk.create(
        prefix,
        Buffer.from(participantId),
        zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
      );
      await check();
    },
    async leave() {
      stopped = true;
      if (ourPath) await zk.remove(ourPath).catch(() => undefined);
    },
  };
}
