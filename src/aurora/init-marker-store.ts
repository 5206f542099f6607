// The replicated log's initialization marker: a persistent znode beside the log group path that outlives the
// AuroraCluster object, its status and its PVCs, and names the cluster that claimed or initialized the log.
import { z } from 'zod';
import type { ZooKeeperTarget } from './serverset.ts';
import type { ZkNodeOps } from './zk-nodes.ts';

/** InitMarker is the marker's JSON data; namespace and name identify the owner, uid names one incarnation. */
export const InitMarker = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string(),
  /** the Kubernetes cluster the owner lives in (kube-system's namespace UID), where the operator could read it */
  kubernetesCluster: z.string().optional(),
  createdAt: z.string(),
  state: z.enum(['initializing', 'initialized']),
  initializedAt: z.string().optional(),
});
export type InitMarker = z.infer<typeof InitMarker>;

export type MarkerRead =
  | { kind: 'absent' }
  | { kind: 'present'; marker: InitMarker; version: number }
  /** a node exists but its data is not a marker: still evidence that something claimed the path */
  | { kind: 'unparsable'; version: number; detail: string };

export interface InitMarkerStore {
  /** Rejects when ZooKeeper does not answer; callers must then treat the cluster as possibly initialized. */
  read(target: ZooKeeperTarget, path: string): Promise<MarkerRead>;
  /** Creates the marker; false when a node already exists (another writer claimed first). */
  claim(target: ZooKeeperTarget, path: string, marker: InitMarker): Promise<boolean>;
  /** Writes an initialized marker: a create without version, else a compare-and-set; false on a lost race. */
  markInitialized(
    target: ZooKeeperTarget,
    path: string,
    marker: InitMarker,
    version: number | undefined,
  ): Promise<boolean>;
  close(): void;
}

/** initMarkerPath is a sibling of the log group path, so replicas, which list the group's children, never see it. */
export function initMarkerPath(zkGroupPath: string): string {
  return `${zkGroupPath.replace(/\/+$/, '')}-aurora-operator`;
}

function encode(marker: InitMarker): Buffer {
  return Buffer.from(JSON.stringify(InitMarker.parse(marker)));
}

export function parseMarker(data: Buffer, version: number): MarkerRead {
  const text = data.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unparsable', version, detail: `not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const parsed = InitMarker.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
    );
    return { kind: 'unparsable', version, detail: problems.join('; ') };
  }
  return { kind: 'present', marker: parsed.data, version };
}

export function createInitMarkerStore(pool: {
  open(target: ZooKeeperTarget): Promise<ZkNodeOps>;
  close(): void;
}): InitMarkerStore {
  return {
    async read(target, path) {
      const node = await (await pool.open(target)).get(path);
      return node ? parseMarker(node.data, node.version) : { kind: 'absent' };
    },
    async claim(target, path, marker) {
      return (await pool.open(target)).create(path, encode(marker));
    },
    async markInitialized(target, path, marker, version) {
      const nodes = await pool.open(target);
      const data = encode({ ...marker, state: 'initialized' });
      return version === undefined ? nodes.create(path, data) : nodes.set(path, data, version);
    },
    close: () => pool.close(),
  };
}
