// What a restore of a cluster from one backup would do, without creating anything: the backup Validate would pick
// (find-backup.ts) and the impact the Impact step would record (impact-step.ts), run from the command line.
import type { V1Pod, V1PodList, V1StatefulSet } from '@kubernetes/client-node';
import { createAgentClient } from '../agent/agent-client.ts';
import { readAgentToken } from '../agent/agent-secret.ts';
import { computeAgentHosts } from '../agent/agent-targets.ts';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import { AuroraRestore, type AuroraRestoreStatus } from '../api/aurora-restore.ts';
import { API_VERSION, AURORA_CLUSTER, AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import type { RestoreImpact } from '../api/restore-impact.ts';
import { createAuroraAdminClient } from '../aurora/admin-client.ts';
import { probeScheduler } from '../aurora/scheduler-probe.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { toObservedPod } from '../k8s/observed-pod.ts';
import { CLUSTER_LABEL, statefulSetName } from '../resources/names.ts';
import { findBackup } from '../restore/find-backup.ts';
import { unknownImpact } from '../restore/impact.ts';
import { readImpact } from '../restore/impact-step.ts';
import type { World, WorldPod } from '../restore/world.ts';

export interface RestorePlanRequest {
  namespace: string;
  cluster: string;
  backup: string;
  maxBackupAge?: string | undefined;
  acceptBackupAge?: boolean | undefined;
  timeoutMs: number;
}

export interface RestorePlan {
  cluster: string;
  backupId: string;
  /** what Validate found: the backup, where, its snapshot time */
  source: NonNullable<AuroraRestoreStatus['source']>;
  validation: string;
  impact: RestoreImpact;
}

async function observePods(
  pods: readonly V1Pod[],
  cluster: AuroraCluster,
  timeoutMs: number,
): Promise<WorldPod[]> {
  return Promise.all(
    pods.map(async (pod) => {
      const o = toObservedPod(pod);
      const w: WorldPod = { ...o };
      if (!o.podIP) return w;
      const probe = await probeScheduler(
        { host: o.podIP, httpPort: cluster.spec.httpPort, libprocessPort: cluster.spec.libprocessPort },
        timeoutMs,
      );
      if (probe.lifecycle) w.lifecycle = probe.lifecycle;
      return w;
    }),
  );
}

/** planRestore reads only: the cluster, its pods and agent token, the agents and the leader; it writes nothing. */
export async function planRestore(client: RestClient, req: RestorePlanRequest): Promise<RestorePlan> {
  const { namespace, timeoutMs } = req;
  const cluster = AuroraCluster.parse(
    await client.request({
      path: resourcePath({
        apiVersion: `${GROUP}/${VERSION}`,
        plural: AURORA_CLUSTER.plural,
        namespace,
        name: req.cluster,
      }),
    }),
  );
  const [podList, sts] = await Promise.all([
    client.request<V1PodList>({
      path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }),
      query: { labelSelector: `${CLUSTER_LABEL}=${req.cluster}` },
    }),
    client.request<V1StatefulSet>({
      path: resourcePath({
        apiVersion: 'apps/v1',
        plural: 'statefulsets',
        namespace,
        name: statefulSetName(cluster),
      }),
    }),
  ]);
  // the token goes only to pods the cluster's StatefulSet owns, as in the operator
  const hosts = computeAgentHosts(sts, podList.items);
  const agents = createAgentClient({
    token: await readAgentToken(client, cluster),
    trusted: (host) => hosts.has(host),
    timeoutMs,
    copyTimeoutMs: Math.max(timeoutMs, 120_000),
  });
  const restore = AuroraRestore.parse({
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
    metadata: { name: 'restore-plan', namespace },
    spec: {
      cluster: req.cluster,
      backupId: req.backup,
      ...(req.maxBackupAge ? { maxBackupAge: req.maxBackupAge } : {}),
      ...(req.acceptBackupAge ? { acceptBackupAge: true } : {}),
    },
  });
  const world: World = {
    cluster,
    clusterReady: true,
    statefulSet: { exists: true, synced: true },
    pods: (await observePods(podList.items, cluster, timeoutMs)).sort((a, b) => a.ordinal - b.ordinal),
    networkPolicy: false,
  };
  const now = new Date();
  const fx = {
    agents: async () => agents,
    admin: (podIP: string, httpPort: number) =>
      createAuroraAdminClient({
        baseUrl: `http://${podIP}:${httpPort}`,
        timeoutMs,
        bypassLeaderRedirect: true,
      }),
    now: () => now,
  };
  const found = await findBackup({ restore, world, fx });
  const source = found.status?.source;
  if (!source) throw new Error(`no backup found for ${req.backup}`);
  const validated = { ...restore, status: { source } };
  // one attempt, no waiting: a plan says at once that the leader could not be read
  const impact = await readImpact({ restore: validated, world, fx }).then(
    (outcome) => outcome.status?.impact,
    (err: unknown) =>
      unknownImpact(
        err instanceof Error ? err.message : String(err),
        {
          name: source.name ?? req.backup,
          timestamp: source.snapshotAt ? Date.parse(source.snapshotAt) : undefined,
        },
        now,
      ),
  );
  if (!impact) throw new Error('the impact was not computed');
  return { cluster: req.cluster, backupId: req.backup, source, validation: found.message ?? '', impact };
}
