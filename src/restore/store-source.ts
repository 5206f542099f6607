// Validate's first move for `spec.source.objectStore`: one replica's agent downloads the backup from the cluster's
// store into its volume (SHA-256 checked), after which the backup is validated exactly like a local one.
import { AgentError } from '../agent/agent-errors.ts';
import { bootstrapSourcePrefix } from '../api/bootstrap-spec.ts';
import type { AgentErrorCode, TerminalCode } from '../api/errors.ts';
import { TerminalError } from '../controller/result.ts';
import { podName } from '../resources/names.ts';
import type { FindContext, StoreFetch } from './find-backup.ts';
import { livePods, type WorldPod } from './world.ts';

const UNTOUCHED = 'The cluster was not touched.';

// a terminal answer of the store: waiting would not change it, and nothing of the cluster was touched yet
const TERMINAL: Partial<Record<AgentErrorCode, { reason: TerminalCode; hint: string }>> = {
  AGENT_STORE_NOT_FOUND: {
    reason: 'BackupNotInStore',
    hint: 'Pick a backupId the store holds (status.backups.newestShipped of the AuroraCluster names the newest).',
  },
  AGENT_STORE_BACKUP_UNREADABLE: {
    reason: 'BackupUnreadable',
    hint: 'The object is corrupt or was not written by the operator; pick another backupId.',
  },
  AGENT_STORE_FORBIDDEN: {
    reason: 'ObjectStoreForbidden',
    hint: 'Fix spec.backup.objectStore (bucket, credentials Secret, caBundle) of the AuroraCluster.',
  },
  AGENT_STORE_NOT_CONFIGURED: {
    reason: 'NoObjectStore',
    hint: 'The backup agent runs without store settings; wait for its pod to roll with spec.backup.objectStore.',
  },
  AGENT_FETCH_CONFLICT: { reason: 'BackupNameConflict', hint: 'Move the local file aside or restore it.' },
  AGENT_VOLUME_FULL: {
    reason: 'BackupVolumeFull',
    hint: 'Free space there or grow spec.backup.storage.size, then restore again.',
  },
};

/** fetchPod: where the later steps want the backup, so no copy is needed: the leader, else the first replica. */
function fetchPod(ctx: FindContext): WorldPod | undefined {
  const cluster = ctx.world.cluster;
  const pods = livePods(ctx);
  const first = cluster ? pods.find((p) => p.name === podName(cluster, 0)) : undefined;
  if (ctx.restore.spec.strategy === 'Offline') return first;
  return pods.find((p) => p.lifecycle === 'ACTIVE') ?? first;
}

/** fetchFromStore: a transient failure (store or pod unreachable) throws a plain error, so Validate waits. */
export async function fetchFromStore(ctx: FindContext): Promise<StoreFetch> {
  const cluster = ctx.world.cluster;
  if (!cluster) throw new Error('cluster not observed');
  if (!cluster.spec.backup.objectStore) {
    throw new TerminalError(
      'NoObjectStore',
      `the restore reads from the object store (spec.source.objectStore) but AuroraCluster ` +
        `${cluster.metadata.name} has no spec.backup.objectStore. ${UNTOUCHED}`,
    );
  }
  const pod = fetchPod(ctx);
  if (!pod?.podIP) throw new Error(`${pod?.name ?? 'the replica to fetch to'} has no IP yet`);
  const agents = await ctx.fx.agents(cluster);
  if (!agents.fetchFromStore) throw new Error('this agent client cannot fetch from the object store');
  const backupId = ctx.restore.spec.backupId;
  // a cluster's bootstrap restore reads the old cluster's prefix of the same store
  const prefix = bootstrapSourcePrefix(cluster, ctx.restore);
  const from = prefix === undefined ? 'the object store' : `the object store under ${prefix}`;
  const fetched = await agents
    .fetchFromStore({ host: pod.podIP, port: cluster.spec.backupAgent.port }, backupId, prefix)
    .catch((err: unknown) => {
      const terminal = err instanceof AgentError ? TERMINAL[err.code] : undefined;
      if (!terminal) throw err;
      // the reason in parentheses lets a bootstrapping cluster name it in its own condition
      throw new TerminalError(
        terminal.reason,
        `fetching ${backupId} from ${from} to ${pod.name} failed (${terminal.reason}): ` +
          `${(err as Error).message}. ${terminal.hint} ${UNTOUCHED}`,
      );
    });
  const how = fetched.fetched ? 'downloaded' : 'already there';
  return {
    pod: pod.name,
    name: fetched.name,
    note: `from ${from} to ${pod.name} (${how}, SHA-256 ${fetched.sha256.slice(0, 12)}…)`,
  };
}
