// In-memory ZooKeeper nodes with versions, and a marker store over them, for the log-init guard's tests.
import { createInitMarkerStore, type InitMarkerStore } from '../../../src/aurora/init-marker-store.ts';
import type { ZkNodeOps } from '../../../src/aurora/zk-nodes.ts';

export interface FakeZk extends ZkNodeOps {
  nodes: Map<string, { data: Buffer; version: number }>;
  /** every write in order, e.g. `create /a` or `set /a@0` */
  writes: string[];
  /** when set, every call rejects with this error, as when the ensemble is unreachable */
  down?: Error | undefined;
  closed: boolean;
}

export function fakeZk(): FakeZk {
  const zk: FakeZk = {
    nodes: new Map(),
    writes: [],
    closed: false,
    async get(path) {
      if (zk.down) throw zk.down;
      const node = zk.nodes.get(path);
      return node ? { data: Buffer.from(node.data), version: node.version } : undefined;
    },
    async create(path, data) {
      if (zk.down) throw zk.down;
      zk.writes.push(`create ${path}`);
      if (zk.nodes.has(path)) return false;
      zk.nodes.set(path, { data: Buffer.from(data), version: 0 });
      return true;
    },
    async set(path, data, version) {
      if (zk.down) throw zk.down;
      zk.writes.push(`set ${path}@${version}`);
      const node = zk.nodes.get(path);
      if (!node || node.version !== version) return false;
      zk.nodes.set(path, { data: Buffer.from(data), version: version + 1 });
      return true;
    },
  };
  return zk;
}

export function storeOver(zk: FakeZk): InitMarkerStore {
  return createInitMarkerStore({
    open: async () => zk,
    close: () => {
      zk.closed = true;
    },
  });
}

export function putJson(zk: FakeZk, path: string, value: unknown): void {
  zk.nodes.set(path, { data: Buffer.from(JSON.stringify(value)), version: 3 });
}

export function readJson(zk: FakeZk, path: string): unknown {
  const node = zk.nodes.get(path);
  return node ? JSON.parse(node.data.toString('utf8')) : undefined;
}
