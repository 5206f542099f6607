// Versioned reads and writes of single persistent ZooKeeper nodes, over one cached session per ensemble.
import zookeeper, { type ACL, type Client, type ZkException } from 'node-zookeeper-client';
import { createZkSessions, withTimeout, type ZooKeeperTarget } from './zk-sessions.ts';

/** ZkNodeOps is what the operator needs to keep a small record in ZooKeeper with compare-and-set writes. */
export interface ZkNodeOps {
  /** The node's data and version, undefined when it does not exist. */
  get(path: string): Promise<{ data: Buffer; version: number } | undefined>;
  /** Creates a persistent node (and missing parents); false when the node already exists. */
  create(path: string, data: Buffer): Promise<boolean>;
  /** Replaces the data if the node still has this version; false when it changed or is gone. */
  set(path: string, data: Buffer, version: number): Promise<boolean>;
}

export interface ZkNodePool {
  open(target: ZooKeeperTarget): Promise<ZkNodeOps>;
  close(): void;
}

// node-zookeeper-client's Exception.BAD_VERSION
const BAD_VERSION = -103;

const hasCode = (err: ZkException | null, code: number): boolean => err !== null && err.getCode() === code;

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

function opsOn(client: Client, acl: ACL[], timeoutMs: number): ZkNodeOps {
  const persistent = zookeeper.CreateMode.PERSISTENT;
  return {
    get: (path) =>
      withTimeout<{ data: Buffer; version: number } | undefined>('getData', timeoutMs, (done) =>
        client.getData(path, null, (err, data, stat) => {
          if (hasCode(err, zookeeper.Exception.NO_NODE)) done(null, undefined);
          else if (err) done(err);
          else done(null, { data: data ?? Buffer.alloc(0), version: stat.version });
        }),
      ),
    async create(path, data) {
      const parent = parentOf(path);
      if (parent !== '/') {
        await withTimeout<void>('mkdirp', timeoutMs, (done) =>
          client.mkdirp(parent, null, acl, persistent, (err) => done(err)),
        );
      }
      return withTimeout<boolean>('create', timeoutMs, (done) =>
        client.create(path, data, acl, persistent, (err) => {
          if (hasCode(err, zookeeper.Exception.NODE_EXISTS)) done(null, false);
          else done(err, err === null);
        }),
      );
    },
    set: (path, data, version) =>
      withTimeout<boolean>('setData', timeoutMs, (done) =>
        client.setData(path, data, version, (err) => {
          if (hasCode(err, BAD_VERSION) || hasCode(err, zookeeper.Exception.NO_NODE)) done(null, false);
          else done(err, err === null);
        }),
      ),
  };
}

// Sessions are shared and cached (zk-sessions.ts) with the serverset reader.
export function createZkNodePool(timeoutMs = 3000, sessions = createZkSessions(timeoutMs)): ZkNodePool {
  return {
    async open(target) {
      // with credentials, nodes are readable by all but writable only by the same identity, as Aurora's own nodes
      const acl = target.digestCredentials
        ? [...zookeeper.ACL.CREATOR_ALL_ACL, ...zookeeper.ACL.READ_ACL_UNSAFE]
        : zookeeper.ACL.OPEN_ACL_UNSAFE;
      return opsOn(await sessions.clientFor(target), acl, timeoutMs);
    },
    close: () => sessions.close(),
  };
}
