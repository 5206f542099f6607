// Reads what `diagnose` shows about a cluster's ZooKeeper paths: the AuroraClusters it overlaps (all namespaces
// the caller may list), the log's owner marker and the participants that are no pods of the cluster.
import { AuroraCluster } from '../api/aurora-cluster.ts';
import { AURORA_CLUSTER, GROUP, VERSION } from '../api/group.ts';
import { createInitMarkerStore, initMarkerPath } from '../aurora/init-marker-store.ts';
import type { ServersetMember } from '../aurora/serverset.ts';
import { createZkMembershipReader } from '../aurora/zk-membership.ts';
import { createZkNodePool } from '../aurora/zk-nodes.ts';
import { createZkSessions } from '../aurora/zk-sessions.ts';
import { parsePeers } from '../cluster/observe.ts';
import { findZkPathConflict, foreignMembers } from '../cluster/plan-conflicts.ts';
import { isSameOwner, type MarkerObservation } from '../cluster/plan-log-init.ts';
import type { ZkPathsInput } from '../diagnostics/zk-paths-section.ts';
import { readKubernetesClusterId } from '../k8s/cluster-identity.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function listPeers(
  client: RestClient,
  namespace: string,
): Promise<{ items: unknown[]; error?: string }> {
  const base = { apiVersion: `${GROUP}/${VERSION}`, plural: AURORA_CLUSTER.plural };
  try {
    const all = await client.request<{ items?: unknown[] }>({ path: resourcePath(base) });
    return { items: all.items ?? [] };
  } catch (err) {
    const ns = await client.request<{ items?: unknown[] }>({ path: resourcePath({ ...base, namespace }) });
    return { items: ns.items ?? [], error: `only namespace ${namespace} was listed (${message(err)})` };
  }
}

async function readZooKeeper(
  client: RestClient,
  cluster: AuroraCluster,
  pods: readonly ObservedPod[],
  members: readonly ServersetMember[],
  timeoutMs: number,
): Promise<Pick<ZkPathsInput, 'marker' | 'foreign'>> {
  const { endpoints, chrootPath } = cluster.spec.zookeeper;
  const sessions = createZkSessions(timeoutMs);
  const path = initMarkerPath(cluster.spec.replicatedLog.zkGroupPath);
  try {
    const store = createInitMarkerStore(createZkNodePool(timeoutMs, sessions));
    const read: MarkerObservation = await store
      .read({ endpoints }, path)
      .catch((err: unknown) => ({ kind: 'unreadable', error: message(err) }) as const);
    const { id } = await readKubernetesClusterId(client, undefined);
    const sameOwner = read.kind === 'present' && isSameOwner(read.marker, cluster, id);
    const reader = createZkMembershipReader(sessions);
    const [election, logGroup] = await Promise.all([
      reader.readElection({ endpoints, chrootPath }, cluster.spec.serversetPath),
      reader.readLogGroup({ endpoints }, cluster.spec.replicatedLog.zkGroupPath),
    ]);
    const foreign = foreignMembers({
      pods: [...pods],
      serverset: { members: [...members] },
      participants: { election, logGroup },
    });
    return { marker: { path, read, sameOwner }, foreign };
  } finally {
    sessions.close();
  }
}

/** readZkPaths never throws for ZooKeeper: what it cannot read is said in the section. */
export async function readZkPaths(
  client: RestClient,
  raw: unknown,
  pods: readonly ObservedPod[],
  serverset: { members: ServersetMember[]; error?: string } | undefined,
  opts: { probe: boolean; timeoutMs: number },
): Promise<ZkPathsInput | undefined> {
  const parsed = AuroraCluster.safeParse({ ...(raw as object), status: undefined });
  if (!parsed.success) return undefined;
  const cluster = parsed.data;
  const namespace = cluster.metadata.namespace ?? 'default';
  const peers = await listPeers(client, namespace);
  const all = [cluster, ...parsePeers(cluster, peers.items)];
  const refused = all
    .filter((p) => p !== cluster)
    .filter((p) => {
      const owner = findZkPathConflict(p, all)?.owner;
      return owner?.namespace === namespace && owner.name === cluster.metadata.name;
    })
    .map((p) => ({ namespace: p.metadata.namespace ?? 'default', name: p.metadata.name }));
  const input: ZkPathsInput = {
    namespace,
    name: cluster.metadata.name,
    spec: cluster.spec,
    conflict: findZkPathConflict(cluster, all),
    refused,
    peersError: peers.error,
  };
  if (!opts.probe) return { ...input, zkNotRead: 'disabled by --no-probe' };
  if (cluster.spec.zookeeper.digestCredentialsSecret)
    return { ...input, zkNotRead: 'the paths need digest credentials, which diagnose does not read' };
  if (serverset?.error) return { ...input, zkNotRead: serverset.error };
  try {
    return {
      ...input,
      ...(await readZooKeeper(client, cluster, pods, serverset?.members ?? [], opts.timeoutMs)),
    };
  } catch (err) {
    return { ...input, zkNotRead: message(err) };
  }
}
