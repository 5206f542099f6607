// Reads Aurora's serverset in ZooKeeper: the leader is the single member_ node, written only once registered.
import zookeeper, { type Client } from 'node-zookeeper-client';
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

export interface ZooKeeperTarget {
  endpoints: readonly string[];
  chrootPath?: string | undefined;
  digestCredentials?: string | undefined;
}

export interface ServersetReader {
  readMembers(target: ZooKeeperTarget, path: string): Promise<ServersetMember[]>;
  close(): void;
}

function withTimeout<T>(
  what: string,
  ms: number,
  run: (done: (err: Error | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ZooKeeper ${what} timed out after ${ms}ms`)), ms);
    run((err, value) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as T);
    });
  });
}

// One session per ensemble is kept and re-created when it expires, so probes don't pay a handshake every pass.
export function createServersetReader(timeoutMs = 3000): ServersetReader {
  const clients = new Map<string, Client>();

  const clientFor = async (target: ZooKeeperTarget): Promise<Client> => {
    const connect = target.endpoints.join(',') + (target.chrootPath ?? '');
    const key = `${connect}|${target.digestCredentials ?? ''}`;
    const existing = clients.get(key);
    if (existing && existing.getState() === zookeeper.State.SYNC_CONNECTED) return existing;
    existing?.close();
    clients.delete(key);
    const client = zookeeper.createClient(connect, { sessionTimeout: 10_000, spinDelay: 500, retries: 1 });
    if (target.digestCredentials) client.addAuthInfo('digest', Buffer.from(target.digestCredentials));
    await withTimeout<void>('connect', timeoutMs, (done) => {
      client.once('connected', () => done(null));
      client.connect();
    }).catch((err: unknown) => {
      client.close();
      throw err;
    });
    client.on('expired', () => clients.delete(key));
    clients.set(key, client);
    return client;
  };

  const readMembers = async (target: ZooKeeperTarget, path: string): Promise<ServersetMember[]> => {
    const client = await clientFor(target);
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
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
