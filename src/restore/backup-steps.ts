// The backup's steps: validation before anything is touched, its copy to the pod that needs it, and the
// replicas' success markers after which their moved-aside logs may expire.
import { AgentError } from '../agent/agent-errors.ts';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { succeededMarkerName } from '../api/contracts.ts';
import { TerminalError } from '../controller/result.ts';
import { clusterOf } from './cluster-ref.ts';
import { findBackup } from './find-backup.ts';
import { fetchFromStore } from './store-source.ts';
import { restoresFromStore } from '../api/aurora-restore.ts';
import type { RestoreStep, StepContext } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  livePods,
  restoreIdOf,
  type Situation,
  type WorldPod,
} from './world.ts';
import { sourceBackupId } from './source-backup.ts';

export const validate: RestoreStep = {
  name: 'Validate',
  done: (s) => s.restore.status?.source !== undefined,
  async run(ctx) {
    if (!ctx.world.cluster) {
      throw new TerminalError(
        'ClusterNotFound',
        `AuroraCluster ${ctx.restore.spec.cluster} does not exist in namespace ${ctx.restore.metadata.namespace}`,
      );
    }
    const conflict = zkPathConflictOf(ctx.world.cluster);
    if (conflict) {
      // the log and serverset paths are another cluster's: wiping "this" log would wipe replicas the other uses
      throw new TerminalError(
        'ZooKeeperPathConflict',
        `AuroraCluster ${ctx.restore.spec.cluster} is in a ZooKeeper path conflict; no restore runs on it: ` +
          conflict.message,
      );
    }
    const scaling = ctx.world.cluster.status?.scaling;
    if (scaling) {
      // a restore rebuilds the log on every replica: it must not start between two steps of a quorum change
      throw new TerminalError(
        'ClusterScaling',
        `AuroraCluster ${ctx.restore.spec.cluster} is changing replicas ${scaling.from} → ${scaling.to} ` +
          `(step ${scaling.step}); no restore runs until that change finished. Create the restore again then.`,
      );
    }
    // the download is the first thing that writes anywhere, and it writes only a new file on one backup volume
    const fetched = restoresFromStore(ctx.restore.spec) ? await fetchFromStore(ctx) : undefined;
    return findBackup(ctx, fetched);
  },
};

/** zkPathConflictOf: the cluster's status carries Degraded=True ZooKeeperPathConflict. */
function zkPathConflictOf(cluster: AuroraCluster): { message: string } | undefined {
  return cluster.status?.conditions?.find(
    (c) => c.type === 'Degraded' && c.status === 'True' && c.reason === 'ZooKeeperPathConflict',
  );
}

// Backup names only have minute precision, so a file of the right name may be an older write: the copy that
// counts is the validated source itself, or a file with its size and write time (copies keep the mtime).
export function holdsSourceBackup(s: Situation, podName: string | undefined): boolean {
  const source = s.restore.status?.source;
  if (!source || !podName) return false;
  if (source.pod === podName) return true;
  const second = (t: string | undefined): number => Math.floor(new Date(t ?? 0).getTime() / 1000);
  return (
    livePods(s)
      .find((p) => p.name === podName)
      ?.backups?.some(
        (b) =>
          b.name === sourceBackupId(s.restore) &&
          b.size === source.size &&
          second(b.mtime) === second(source.takenAt),
      ) === true
  );
}

// Backups live on whichever replica led when they were written, so a restore moves one to the pod that needs it.
export async function copyBackupTo(
  ctx: StepContext,
  targetName: string | undefined,
): Promise<{ message: string }> {
  const cluster = clusterOf(ctx);
  const target = livePods(ctx).find((p) => p.name === targetName);
  const source = livePods(ctx).find((p) => p.name === ctx.restore.status?.source?.pod);
  if (!target?.podIP || !source?.podIP)
    throw new Error(`${targetName ?? 'the target'} or the source pod has no IP yet`);
  const agents = await ctx.fx.agents(cluster);
  const port = cluster.spec.backupAgent.port;
  const id = sourceBackupId(ctx.restore);
  const size = await agents
    .copyBackup({ host: source.podIP, port }, { host: target.podIP, port }, id)
    .catch((err: unknown) => {
      // a full volume does not empty itself: waiting would hold the cluster in the restore configuration
      if (err instanceof AgentError && err.code === 'AGENT_VOLUME_FULL') {
        throw new TerminalError(
          'BackupVolumeFull',
          `the backups volume of ${target.name} has no space for ${id}: ${err.message}. Free space there or grow ` +
            'spec.backup.storage.size, then restore again; this restore rolls back.',
        );
      }
      throw err;
    });
  return { message: `copied ${id} (${size} bytes) from ${source.name} to ${target.name}` };
}

function lacksSucceededMarker(s: Situation): WorldPod[] {
  const marker = succeededMarkerName(restoreIdOf(s.restore));
  return livePods(s).filter((p) => !p.markers?.includes(marker));
}

/** MarkSucceeded: each replica's agent records the success, after which its moved-aside log may expire. */
export const markSucceeded: RestoreStep = {
  name: 'MarkSucceeded',
  done: (s) => allRunning(s, desiredReplicas(s)) && lacksSucceededMarker(s).length === 0,
  async run(ctx) {
    const cluster = clusterOf(ctx);
    const missing = lacksSucceededMarker(ctx);
    const unreachable = missing.filter((p) => !p.podIP).map((p) => p.name);
    if (unreachable.length > 0) throw new Error(`${unreachable.join(', ')} has no IP yet`);
    const agents = await ctx.fx.agents(cluster);
    const port = cluster.spec.backupAgent.port;
    const id = restoreIdOf(ctx.restore);
    await Promise.all(missing.map((p) => agents.markSucceeded({ host: p.podIP ?? '', port }, id)));
    return {
      message: `marked restore ${id} succeeded on ${missing.map((p) => p.name).join(', ') || 'no replica'}`,
    };
  },
};
