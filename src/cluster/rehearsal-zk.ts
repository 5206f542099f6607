// The rehearsal's ZooKeeper nodes: whether any is left, and their removal (children first), over the operator's
// shared sessions. Only paths the rehearsal cluster derives are ever passed here.
import zookeeper, { type Client, type ZkException } from 'node-zookeeper-client';
import { withTimeout, type ZkSessions, type ZooKeeperTarget } from '../aurora/zk-sessions.ts';

export interface RehearsalZk {
  exists(target: ZooKeeperTarget, path: string): Promise<boolean>;
  /** removes the node and everything below it; a node already gone is fine */
  removeTree(target: ZooKeeperTarget, path: string): Promise<void>;
}

const NO_NODE = zookeeper.Exception.NO_NODE;
const gone = (err: ZkException | null): boolean => err !== null && err.getCode() === NO_NODE;

async function removeTree(client: Client, path: string, ms: number): Promise<void> {
  const children = await withTimeout<string[]>('getChildren', ms, (done) =>
    client.getChildren(path, null, (err, list) => done(gone(err) ? null : err, gone(err) ? [] : list)),
  );
  for (const child of children) await removeTree(client, `${path}/${child}`, ms);
  await withTimeout<void>('remove', ms, (done) =>
    client.remove(path, -1, (err) => done(gone(err) ? null : err)),
  );
}

export function createRehearsalZk(sessions: ZkSessions): RehearsalZk {
  const ms = sessions.timeoutMs;
  return {
    async exists(target, path) {
      const client = await sessions.clientFor(target);
      return withTimeout<boolean>('exists', ms, (done) =>
        client.exists(path, null, (err, stat) => done(err, !!stat)),
      );
    },
    async removeTree(target, path) {
      await removeTree(await sessions.clientFor(target), path, ms);
    },
  };
}
