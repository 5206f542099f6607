// Turns a change of a cluster's serverset into a reconcile: every read arms a ZooKeeper children watch (one-shot,
// re-armed by the read of the pass it triggers), so a new or vanished leader shows without waiting for a poll.
import zookeeper, { type Client } from 'node-zookeeper-client';
import type { ServersetReader } from './serverset.ts';
import { withTimeout, type ZkSessions, type ZooKeeperTarget } from './zk-sessions.ts';

export interface ServersetWatch {
  /** a reader for one cluster: its reads arm the watch that calls onChange(key); close leaves the sessions open */
  readerFor(key: string): ServersetReader;
  /** the number of armed watches, for metrics and tests */
  armed(): number;
}

export function createServersetWatch(
  sessions: ZkSessions,
  reader: ServersetReader,
  onChange: (key: string) => void,
): ServersetWatch {
  // the session each watch was armed on: a watch dies with its session, so a new session means arming again
  const armed = new Map<string, { client: Client; key: string }>();
  const expiring = new WeakSet<Client>();

  const watchExpiry = (client: Client): void => {
    if (expiring.has(client)) return;
    expiring.add(client);
    client.once('expired', () => {
      for (const [id, entry] of armed) {
        if (entry.client !== client) continue;
        armed.delete(id);
        onChange(entry.key);
      }
    });
  };

  const arm = async (key: string, target: ZooKeeperTarget, path: string): Promise<void> => {
    const client = await sessions.clientFor(target);
    const id = `${key}|${target.endpoints.join(',')}${target.chrootPath ?? ''}|${path}`;
    if (armed.get(id)?.client === client) return;
    watchExpiry(client);
    armed.set(id, { client, key });
    const fire = (): void => {
      if (armed.get(id)?.client === client) armed.delete(id);
      onChange(key);
    };
    await withTimeout<void>('watch', sessions.timeoutMs, (done) =>
      client.getChildren(path, fire, (err) => {
        // a serverset not created yet is watched for its creation instead
        if (!err || err.getCode() !== zookeeper.Exception.NO_NODE) return done(err);
        client.exists(path, fire, (existsErr, stat) => {
          // created in between: an exists watch would miss its children, so read it again
          if (!existsErr && stat) fire();
          done(existsErr);
        });
      }),
    ).catch((err: unknown) => {
      armed.delete(id);
      throw err;
    });
  };

  return {
    readerFor: (key) => ({
      async readMembers(target, path) {
        // armed before the read, so a change between the two is not missed
        await arm(key, target, path);
        return reader.readMembers(target, path);
      },
      close: () => undefined,
    }),
    armed: () => armed.size,
  };
}
