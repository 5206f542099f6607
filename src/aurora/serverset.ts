// Reads Aurora's serverset in ZooKeeper: the leader is the single member_ node, written only once registered.
import zookeeper from 'node-zookeeper-client';
import { createZkSessions, withTimeout, type ZooKeeperTarget } from './zk-sessions.ts';
import { z } from 'zod';

const Endpoint = z.object({ host: z.string().min(1), port: z.number().int() });
const ServiceInstance = z.object({
  serviceEndpoint: Endpoint,
  additionalEndpoints: z.record(z.string(), Endpoint).optional(),
  status: z.string().optional(),
});

export interface ServersetMember {
  node: string;
  host: string;
  port: number;
}

export type { ZooKeeperTarget };

export interface ServersetReader {
  readMembers(target: ZooKeeperTarget, path: string): Promise<ServersetMember[]>;
  close(): void;
}

// Sessions are shared and cached (zk-sessions.ts), so probes don't pay a handshake every pass.
export function createServersetReader(
  timeoutMs = 3000,
  sessions = createZkSessions(timeoutMs),
): ServersetReader {
  const readMembers = async (target: ZooKeeperTarget, path: string): Promise<ServersetMember[]> => {
    const client = await sessions.clientFor(target);
    const children = await withTimeout<string[]>('getChildren', timeoutMs, (done) =>
      client.getChildren(path, null, (err, names) => {
        if (err && err.getCode() === zookeeper.Exception.NO_NODE) done(null, []);
        else done(err, names);
      }),
    );
    const members: ServersetMember[] = [];
    for (const node of children.filter((name) => name.startsWith('member_')).sort()) {
      const data = await withTimeout<Buffer | undefined>('getData', timeoutMs, (done) =>
        client.getData(`${path}/${node}`, null, (err, buf) => {
          if (err && err.getCode() === zookeeper.Exception.NO_NODE) done(null, undefined);
          else done(err, buf);
        }),
      );
      if (!data) continue;
      const parsed = ServiceInstance.safeParse(JSON.parse(data.toString('utf8')));
      if (parsed.success) {
        members.push({
          node,
          host: parsed.data.serviceEndpoint.host,
          port: parsed.data.serviceEndpoint.port,
        });
      }
    }
    return members;
  };

  return {
    readMembers,
    close: () => sessions.close(),
  };
}
