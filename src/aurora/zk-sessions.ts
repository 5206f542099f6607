// One cached ZooKeeper session per ensemble, chroot and credentials, re-created when it expires, shared by every
// reader and writer so a pass does not pay a handshake per call.
import zookeeper, { type Client } from 'node-zookeeper-client';

export interface ZooKeeperTarget {
  endpoints: readonly string[];
  chrootPath?: string | undefined;
  digestCredentials?: string | undefined;
}

export interface ZkSessions {
  clientFor(target: ZooKeeperTarget): Promise<Client>;
  readonly timeoutMs: number;
  close(): void;
}

/** withTimeout turns one node-zookeeper-client callback call into a promise that cannot hang. */
export function withTimeout<T>(
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

export function createZkSessions(timeoutMs = 3000): ZkSessions {
  const clients = new Map<string, Client>();
  return {
    timeoutMs,
    async clientFor(target) {
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
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
