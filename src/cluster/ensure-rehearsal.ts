// The rehearsal's reads and effects: its pod, NetworkPolicy and ZooKeeper nodes, the backup copied in through the
// agents, the tasks read back through the Thrift API. Every effect is idempotent; an error is retried next pass.
import type { V1Pod } from '@kubernetes/client-node';
import type { AuroraCluster, RehearsalStatus } from '../api/aurora-cluster.ts';
import type { AgentEndpoint } from '../agent/agent-client.ts';
import { AgentBackupError } from '../agent/agent-errors.ts';
import type { BackupSummary } from '../aurora/backup-summary.ts';
import { summarizeTask } from '../aurora/backup-summary.ts';
import type { ScheduledTask, TaskQuery } from '../thrift/api-types.ts';
import type { ZooKeeperTarget } from '../aurora/zk-sessions.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import { buildRehearsalNetworkPolicy } from '../resources/rehearsal-network-policy.ts';
import { buildRehearsalPod, rehearsalCluster, rehearsalName } from '../resources/rehearsal-pod.ts';
import { BACKUP_AGENT_CONTAINER, SCHEDULER_CONTAINER } from '../resources/names.ts';
import { compareTasks } from './rehearsal-compare.ts';
import {
  failure,
  type RehearsalAction,
  type RehearsalPodView,
  type RehearsalWorld,
} from './rehearsal-steps.ts';
import type { RehearsalZk } from './rehearsal-zk.ts';

/** The agent calls a rehearsal makes; the cluster controller's client trusts the rehearsal pod too. */
export interface RehearsalAgents {
  listBackups(at: AgentEndpoint): Promise<Array<{ name: string }>>;
  copyBackup(from: AgentEndpoint, to: AgentEndpoint, name: string): Promise<number>;
  summarizeBackup(at: AgentEndpoint, name: string): Promise<BackupSummary>;
}

export interface RehearsalDeps {
  kube: KubeClient;
  /** a pod from the informer cache: the rehearsal pod or the replica holding the backup */
  cachedPod(namespace: string, name: string): V1Pod | undefined;
  /** reads the NetworkPolicy from the API server */
  networkPolicyExists(namespace: string, name: string): Promise<boolean>;
  zk: RehearsalZk;
  agents(cluster: AuroraCluster): RehearsalAgents | undefined;
  /** the rehearsal scheduler's lifecycle state (/vars) */
  lifecycle(host: string, cluster: AuroraCluster): Promise<string | undefined>;
  readTasks(host: string, httpPort: number, query: TaskQuery): Promise<ScheduledTask[]>;
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
}

/** The rehearsal's two ZooKeeper trees with the session target each is reached through. */
async function zkTrees(
  cluster: AuroraCluster,
  deps: Pick<RehearsalDeps, 'digestCredentials'>,
): Promise<Array<{ target: ZooKeeperTarget; path: string }>> {
  const rc = rehearsalCluster(cluster).spec;
  const digestCredentials = await deps.digestCredentials(cluster);
  const { endpoints, chrootPath } = rc.zookeeper;
  return [
    // the serverset is chrooted (Curator); the native log's group path never is
    { target: { endpoints, chrootPath, digestCredentials }, path: rc.serversetPath },
    { target: { endpoints, digestCredentials }, path: rc.replicatedLog.zkGroupPath },
  ];
}

export function podView(pod: V1Pod | undefined): RehearsalPodView | undefined {
  if (!pod?.metadata?.uid) return undefined;
  const statuses = pod.status?.containerStatuses ?? [];
  const ended = statuses.find((s) => s.name === SCHEDULER_CONTAINER)?.state?.terminated;
  return {
    uid: pod.metadata.uid,
    podIP: pod.status?.podIP,
    deleting: pod.metadata.deletionTimestamp !== undefined,
    // the cache keeps container states but not readiness (pod-projection.ts); a copy to an agent still starting fails
    // and is retried next pass
    agentReady: statuses.find((s) => s.name === BACKUP_AGENT_CONTAINER)?.state?.running !== undefined,
    ...(ended ? { schedulerExit: { exitCode: ended.exitCode, reason: ended.reason } } : {}),
  };
}

function namespaceOf(cluster: AuroraCluster): string {
  return cluster.metadata.namespace ?? 'default';
}

function sourceOf(cluster: AuroraCluster, checkpoint: RehearsalStatus, deps: RehearsalDeps): AgentEndpoint {
  const pod = checkpoint.replica ? deps.cachedPod(namespaceOf(cluster), checkpoint.replica) : undefined;
  const host = pod?.status?.podIP;
  if (!host) throw new Error(`replica ${checkpoint.replica ?? '?'} holding ${checkpoint.backup} has no IP`);
  return { host, port: cluster.spec.backupAgent.port };
}

/** observeRehearsal reads the rehearsal's objects; called only while a checkpoint exists. */
export async function observeRehearsal(
  cluster: AuroraCluster,
  checkpoint: RehearsalStatus,
  deps: RehearsalDeps,
): Promise<RehearsalWorld> {
  const namespace = namespaceOf(cluster);
  const name = rehearsalName(cluster);
  const pod = podView(deps.cachedPod(namespace, name));
  const trees = await zkTrees(cluster, deps);
  const zkNodes = (await Promise.all(trees.map((t) => deps.zk.exists(t.target, t.path)))).some(Boolean);
  const networkPolicy = await deps.networkPolicyExists(namespace, name);
  const agents = deps.agents(cluster);
  const at =
    pod?.podIP && !pod.deleting ? { host: pod.podIP, port: cluster.spec.backupAgent.port } : undefined;
  const placed =
    at && pod?.agentReady && agents
      ? (await agents.listBackups(at).catch(() => [])).some((b) => b.name === checkpoint.backup)
      : false;
  const lifecycle = at && placed ? await deps.lifecycle(at.host, cluster) : undefined;
  return { checkpoint, pod, networkPolicy, zkNodes, placed, lifecycle };
}

const isUnreadable = (err: unknown): boolean =>
  err instanceof AgentBackupError && err.backupCode === 'AGENT_BACKUP_UNREADABLE';

async function summarize(
  cluster: AuroraCluster,
  checkpoint: RehearsalStatus,
  deps: RehearsalDeps,
): Promise<BackupSummary | Partial<RehearsalStatus>> {
  const agents = deps.agents(cluster);
  if (!agents) throw new Error('no backup-agent token for the cluster yet');
  try {
    return await agents.summarizeBackup(sourceOf(cluster, checkpoint, deps), checkpoint.backup);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    const problem = err instanceof Error ? err.message : String(err);
    return { outcome: failure('BackupUnreadable', `the backup does not decode: ${problem}`) };
  }
}

const isSummary = (v: BackupSummary | Partial<RehearsalStatus>): v is BackupSummary =>
  'tasks' in v && Array.isArray(v.tasks);

/** ensureRehearsalAction carries out one step's action; it returns what to fold into the checkpoint. */
export async function ensureRehearsalAction(
  cluster: AuroraCluster,
  checkpoint: RehearsalStatus,
  action: RehearsalAction,
  deps: RehearsalDeps,
): Promise<Partial<RehearsalStatus>> {
  const namespace = namespaceOf(cluster);
  const name = rehearsalName(cluster);
  switch (action.kind) {
    case 'none':
      return {};
    case 'isolate': {
      const summary = await summarize(cluster, checkpoint, deps);
      if (!isSummary(summary)) return summary;
      // nodes left by an earlier rehearsal that crashed must not hand this one a stale log or election
      for (const t of await zkTrees(cluster, deps)) await deps.zk.removeTree(t.target, t.path);
      await deps.kube.apply(buildRehearsalNetworkPolicy(cluster));
      return { tasks: summary.tasks.length, takenAt: new Date(summary.timestamp).toISOString() };
    }
    case 'create-pod': {
      const id = `rehearsal-${Date.parse(checkpoint.startedAt)}`;
      await deps.kube.apply(buildRehearsalPod(cluster, { id, backup: checkpoint.backup }));
      return {};
    }
    case 'copy-backup': {
      const agents = deps.agents(cluster);
      if (!agents) throw new Error('no backup-agent token for the cluster yet');
      const to = { host: action.host, port: cluster.spec.backupAgent.port };
      await agents.copyBackup(sourceOf(cluster, checkpoint, deps), to, checkpoint.backup);
      return {};
    }
    case 'compare': {
      const summary = await summarize(cluster, checkpoint, deps);
      if (!isSummary(summary)) return summary;
      const live = await deps.readTasks(action.host, cluster.spec.httpPort, {});
      const result = compareTasks(summary.tasks, live.map(summarizeTask));
      return {
        tasks: summary.tasks.length,
        outcome: result.matches
          ? { verified: true, reason: 'RehearsalSucceeded', message: result.message }
          : failure('TasksDiffer', result.message),
      };
    }
    case 'clean-up': {
      await deps.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name }, { gracePeriodSeconds: 0 });
      await deps.kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace, name });
      // the pod may still hold its sessions for a moment; the next pass removes what they re-created
      for (const t of await zkTrees(cluster, deps)) await deps.zk.removeTree(t.target, t.path);
      return {};
    }
  }
}
