// Validate's first move for `spec.source.objectStore`: one replica's agent downloads the backup from the cluster's
// store into its volume (SHA-256 checked), after which the backup is validated exactly like a local one.
import { AgentError } from '../agent/agent-errors.ts';
import type { AgentClient, AgentEndpoint } from '../agent/agent-client.ts';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { bootstrapSourcePrefix, sameConnection } from '../api/bootstrap-spec.ts';
import type { AgentErrorCode, TerminalCode } from '../api/errors.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../objectstore/object-store-errors.ts';
import { TerminalError } from '../controller/result.ts';
import { podName } from '../resources/names.ts';
import type { FindContext, StoreFetch } from './find-backup.ts';
import type { SourceStore } from './source-store-link.ts';
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
    hint:
      'Fix the store settings (bucket, credentials Secret, caBundle): spec.source.objectStore of the restore, ' +
      'spec.bootstrap or spec.backup.objectStore of the AuroraCluster.',
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

// the operator's own reading of another store: the same answers, with the hint pointing at the restore's settings
const STORE_TERMINAL: Partial<Record<ObjectStoreCode, AgentErrorCode>> = {
  OBJECT_NOT_FOUND: 'AGENT_STORE_NOT_FOUND',
  OBJECT_METADATA_MISSING: 'AGENT_STORE_BACKUP_UNREADABLE',
  OBJECT_STORE_FORBIDDEN: 'AGENT_STORE_FORBIDDEN',
  OBJECT_STORE_NO_SUCH_BUCKET: 'AGENT_STORE_FORBIDDEN',
  OBJECT_STORE_TLS: 'AGENT_STORE_FORBIDDEN',
};

/** fetchPod: where the later steps want the backup, so no copy is needed: the leader, else the first replica. */
function fetchPod(ctx: FindContext): WorldPod | undefined {
  const cluster = ctx.world.cluster;
  const pods = livePods(ctx);
  const first = cluster ? pods.find((p) => p.name === podName(cluster, 0)) : undefined;
  if (ctx.restore.spec.strategy === 'Offline') return first;
  return pods.find((p) => p.lifecycle === 'ACTIVE') ?? first;
}

/** Where a restore from a store downloads: the agents' own store (perhaps under another prefix), or another store. */
export type StorePlan =
  { kind: 'own'; prefix?: string } | { kind: 'other'; namespace: string; store: SourceStore };

/** planStoreFetch: pure; a bootstrap's store reached as the cluster's own is read by the agents themselves. */
export function planStoreFetch(cluster: AuroraCluster, restore: AuroraRestore): StorePlan {
  const namespace = restore.metadata.namespace ?? 'default';
  const source = restore.spec.source?.objectStore;
  if (source?.bucket !== undefined && source.prefix !== undefined)
    return { kind: 'other', namespace, store: { ...source, bucket: source.bucket, prefix: source.prefix } };
  const prefix = bootstrapSourcePrefix(cluster, restore);
  const from = cluster.spec.bootstrap?.fromBackup.objectStore;
  const own = cluster.spec.backup.objectStore;
  if (prefix !== undefined && from && !(own && sameConnection(from, own)))
    return { kind: 'other', namespace, store: from };
  return prefix === undefined ? { kind: 'own' } : { kind: 'own', prefix };
}

function terminalFor(err: unknown, what: string, pod: string): TerminalError | undefined {
  const code = err instanceof AgentError ? err.code : undefined;
  const storeCode = err instanceof ObjectStoreError ? STORE_TERMINAL[err.code] : undefined;
  const terminal = code ? TERMINAL[code] : storeCode ? TERMINAL[storeCode] : undefined;
  if (!terminal) return undefined;
  // the reason in parentheses lets a bootstrapping cluster name it in its own condition
  return new TerminalError(
    terminal.reason,
    `fetching ${what} to ${pod} failed (${terminal.reason}): ${(err as Error).message}. ${terminal.hint} ${UNTOUCHED}`,
  );
}

/** fetchFromStore: a transient failure (store or pod unreachable) throws a plain error, so Validate waits. */
export async function fetchFromStore(ctx: FindContext): Promise<StoreFetch> {
  const cluster = ctx.world.cluster;
  if (!cluster) throw new Error('cluster not observed');
  const plan = planStoreFetch(cluster, ctx.restore);
  if (plan.kind === 'own' && !cluster.spec.backup.objectStore) {
    throw new TerminalError(
      'NoObjectStore',
      `the restore reads from the object store (spec.source.objectStore) but AuroraCluster ` +
        `${cluster.metadata.name} has no spec.backup.objectStore. ${UNTOUCHED}`,
    );
  }
  const pod = fetchPod(ctx);
  if (!pod?.podIP) throw new Error(`${pod?.name ?? 'the replica to fetch to'} has no IP yet`);
  const at = { host: pod.podIP, port: cluster.spec.backupAgent.port };
  const agents = await ctx.fx.agents(cluster);
  const backupId = ctx.restore.spec.backupId;
  if (plan.kind === 'other') return fetchFromOther(ctx, { agents, at, pod: pod.name, plan });
  if (!agents.fetchFromStore) throw new Error('this agent client cannot fetch from the object store');
  const from = plan.prefix === undefined ? 'the object store' : `the object store under ${plan.prefix}`;
  const fetched = await agents.fetchFromStore(at, backupId, plan.prefix).catch((err: unknown) => {
    throw terminalFor(err, `${backupId} from ${from}`, pod.name) ?? err;
  });
  const how = fetched.fetched ? 'downloaded' : 'already there';
  return {
    pod: pod.name,
    name: fetched.name,
    note: `from ${from} to ${pod.name} (${how}, SHA-256 ${fetched.sha256.slice(0, 12)}…)`,
  };
}

/** fetchFromOther: the operator resolves and signs, the agent downloads through the link; keys stay here. */
async function fetchFromOther(
  ctx: FindContext,
  o: { agents: AgentClient; at: AgentEndpoint; pod: string; plan: Extract<StorePlan, { kind: 'other' }> },
): Promise<StoreFetch> {
  const { store, namespace } = o.plan;
  const backupId = ctx.restore.spec.backupId;
  const from = `s3://${store.bucket}/${store.prefix}`;
  if (!ctx.fx.linkSource || !o.agents.fetchLink) throw new Error('this operator cannot read another store');
  const { link, caBundle } = await ctx.fx.linkSource(namespace, store, backupId).catch((err: unknown) => {
    throw terminalFor(err, `${backupId} from ${from}`, o.pod) ?? err;
  });
  const request = {
    url: link.url,
    sha256: link.metadata.sha256,
    size: link.metadata.size,
    ...(caBundle === undefined ? {} : { caBundle }),
  };
  const fetched = await o.agents.fetchLink(o.at, link.name, request).catch((err: unknown) => {
    throw terminalFor(err, `${link.name} from ${from}`, o.pod) ?? err;
  });
  const how = fetched.fetched ? 'downloaded through a signed link' : 'already there';
  return {
    pod: o.pod,
    name: fetched.name,
    note: `from ${from} to ${o.pod} (${how}, SHA-256 ${fetched.sha256.slice(0, 12)}…)`,
  };
}
