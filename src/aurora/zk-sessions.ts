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
  // one handshake per key at a time: two callers racing would each open a session and one would leak
  const connecting = new Map<string, Promise<Client>>();
  // bumped by close(), so a handshake that finishes afterwards closes its client instead of caching it
  let generation = 0;

  async function connectNew(key: string, connect: string, target: ZooKeeperTarget): Promise<Client> {
    const started = generation;
    const client = zookeeper.createClient(connect, { sessionTimeout: 10_000, spinDelay: 500, retries: 1 });
    if (target.digestCredentials) client.addAuthInfo('digest', Buffer.from(target.digestCredentials));
    await withTimeout<void>('connect', timeoutMs, (done) => {
      client.once('connected', () => done(null));
      client.connect();
    }).catch((err: unknown) => {
      client.close();
      throw err;
    });
    if (started !== generation) {
      client.close();
      throw new Error('ZooKeeper sessions were closed while connecting');
    }
    // an expired session never comes back; a client left open would keep reconnecting on its own timers
    client.on('expired', () => {
      if (clients.get(key) === client) clients.delete(key);
      client.close();
    });
    clients.set(key, client);
    return client;
  }

  return {
    timeoutMs,
    clientFor(target) {
      const connect = target.endpoints.join(',') + (target.chrootPath ?? '');
      const key = `${connect}|${target.digestCredentials ?? ''}`;
      const existing = clients.get(key);
      if (existing && existing.getState() === zookeeper.State.SYNC_CONNECTED)
        return Promise.resolve(existing);
      const inFlight = connecting.get(key);
      if (inFlight) return inFlight;
      existing?.close();
      clients.delete(key);
      const attempt = connectNew(key, connect, target).finally(() => connecting.delete(key));
      connecting.set(key, attempt);
      return attempt;
    },
    close() {
      generation++;
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
