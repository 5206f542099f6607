// Promise wrapper over node-zookeeper-client with Curator-like connection states (SUSPENDED, LOST).
import zookeeper, { type ACL, type Client, type ZkEvent, type ZkException } from 'node-zookeeper-client';

export type ZkConnectionState = 'CONNECTED' | 'SUSPENDED' | 'RECONNECTED' | 'LOST' | 'READ_ONLY';

export interface ZkOptions {
  /** `host:port,...` optionally followed by a chroot path. */
  connectString: string;
  sessionTimeoutMs: number;
  connectionTimeoutMs: number;
  /** `user:password`: digest auth and EVERYONE_READ_CREATOR_ALL ACLs. */
  digestCredentials?: string | undefined;
  onState?: (state: ZkConnectionState) => void;
}

export interface ZkSession {
  readonly client: Client;
  readonly acl: ACL[];
  create(path: string, data: Buffer | null, mode: number): Promise<string>;
  mkdirp(path: string): Promise<void>;
  children(path: string, watcher?: (e: ZkEvent) => void): Promise<string[]>;
  data(path: string): Promise<Buffer | undefined>;
  exists(path: string, watcher?: (e: ZkEvent) => void): Promise<boolean>;
  remove(path: string): Promise<void>;
  close(): void;
}

const isCode = (err: ZkException | null, code: number): boolean => err !== null && err.getCode() === code;

export async function connectZk(opts: ZkOptions): Promise<ZkSession> {
  const client = zookeeper.createClient(opts.connectString, {
    sessionTimeout: opts.sessionTimeoutMs,
    spinDelay: 200,
    retries: 0,
  });
  const acl = opts.digestCredentials
    ? [...zookeeper.ACL.CREATOR_ALL_ACL, ...zookeeper.ACL.READ_ACL_UNSAFE]
    : zookeeper.ACL.OPEN_ACL_UNSAFE;
  if (opts.digestCredentials) client.addAuthInfo('digest', Buffer.from(opts.digestCredentials));
  trackStates(client, opts);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(
        new Error(
          `Failed to connect to ZooKeeper ${opts.connectString} within ${opts.connectionTimeoutMs}ms`,
        ),
      );
    }, opts.connectionTimeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return wrap(client, acl);
}

/** Curator reports LOST after SUSPENDED lasts a session timeout, or when the server expires the session. */
function trackStates(client: Client, opts: ZkOptions): void {
  let everConnected = false;
  let lostTimer: NodeJS.Timeout | undefined;
  let lost = false;
  const emit = (s: ZkConnectionState): void => opts.onState?.(s);
  const markLost = (): void => {
    if (lost) return;
    lost = true;
    emit('LOST');
  };
  client.on('connected', () => {
    clearTimeout(lostTimer);
    emit(everConnected ? 'RECONNECTED' : 'CONNECTED');
    everConnected = true;
  });
  client.on('connectedReadOnly', () => emit('READ_ONLY'));
  client.on('disconnected', () => {
    if (!everConnected || lost) return;
    emit('SUSPENDED');
    clearTimeout(lostTimer);
    lostTimer = setTimeout(markLost, opts.sessionTimeoutMs);
    lostTimer.unref();
  });
  client.on('expired', markLost);
}

function wrap(client: Client, acl: ACL[]): ZkSession {
  return {
    client,
    acl,
    create: (path, data, mode) =>
      new Promise((resolve, reject) =>
        client.create(path, data, acl, mode, (err, p) => (err ? reject(err) : resolve(p))),
      ),
    mkdirp: (path) =>
      new Promise((resolve, reject) =>
        client.mkdirp(path, null, acl, zookeeper.CreateMode.PERSISTENT, (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    children: (path, watcher) =>
      new Promise((resolve, reject) =>
        client.getChildren(path, watcher ?? null, (err, c) =>
          isCode(err, zookeeper.Exception.NO_NODE) ? resolve([]) : err ? reject(err) : resolve(c),
        ),
      ),
    data: (path) =>
      new Promise((resolve, reject) =>
        client.getData(path, null, (err, d) =>
          isCode(err, zookeeper.Exception.NO_NODE) ? resolve(undefined) : err ? reject(err) : resolve(d),
        ),
      ),
    exists: (path, watcher) =>
      new Promise((resolve, reject) =>
        client.exists(path, watcher ?? null, (err, stat) => (err ? reject(err) : resolve(stat !== null))),
      ),
    remove: (path) =>
      new Promise((resolve, reject) =>
        client.remove(path, -1, (err) =>
          err && !isCode(err, zookeeper.Exception.NO_NODE) ? reject(err) : resolve(),
        ),
      ),
    close: () => client.close(),
  };
}

/** Sequence number of a sequential node name (its last 10 digits). */
export function sequenceOf(name: string): number {
  const m = /(\d{10})$/.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
