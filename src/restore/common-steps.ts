// Steps both strategies share: validation, the cluster lock, traffic blocking, stopping, readiness and unlock.
import { AgentError } from '../agent/agent-errors.ts';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { RESTORE_LOCK_ANNOTATION, succeededMarkerName } from '../api/contracts.ts';
import { TerminalError } from '../controller/result.ts';
import { buildRestoreNetworkPolicy } from '../resources/network-policy.ts';
import { restoreConfigMapName, restoreNetworkPolicyName } from '../resources/names.ts';
import type { SchedulerMode } from '../resources/scheduler-args.ts';
import { buildStatefulSet } from '../resources/statefulset.ts';
import { findBackup } from './find-backup.ts';
import type { RestoreStep, StepContext } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  heldByUs,
  livePods,
  ourConfig,
  restoreIdOf,
  type Situation,
  type WorldPod,
} from './world.ts';

export function clusterOf(s: Situation): AuroraCluster {
  const cluster = s.world.cluster;
  if (!cluster) throw new Error(`AuroraCluster ${s.restore.spec.cluster} not found`);
  return cluster;
}

function refOf(cluster: AuroraCluster, apiVersion: string, kind: string, name: string) {
  return { apiVersion, kind, namespace: cluster.metadata.namespace ?? 'default', name };
}

export async function applyStatefulSet(
  ctx: StepContext,
  mode: SchedulerMode,
  replicas: number,
): Promise<void> {
  await ctx.fx.kube.apply(buildStatefulSet(clusterOf(ctx), { mode, replicas }));
}

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
    return findBackup(ctx);
  },
};

/** zkPathConflictOf: the cluster's status carries Degraded=True ZooKeeperPathConflict. */
function zkPathConflictOf(cluster: AuroraCluster): { message: string } | undefined {
  return cluster.status?.conditions?.find(
    (c) => c.type === 'Degraded' && c.status === 'True' && c.reason === 'ZooKeeperPathConflict',
  );
}

/** lockAcknowledged: the cluster controller has seen the lock, so no pass that missed it can still be writing. */
export function lockAcknowledged(s: Situation): boolean {
  return heldByUs(s) && s.world.lockAcknowledged === s.restore.metadata.name;
}

export const lock: RestoreStep = {
  name: 'Lock',
  done: lockAcknowledged,
  async run(ctx) {
    const holder = ctx.world.lockHolder;
    if (holder && holder !== ctx.restore.metadata.name) {
      return {
        message: `waiting: AuroraRestore ${holder} holds the cluster; only one restore per cluster runs at a time`,
        requeueAfterMs: 5000,
      };
    }
    if (holder) {
      return {
        message: 'locked; waiting for the cluster controller to acknowledge the lock in status.lock',
        requeueAfterMs: 1000,
      };
    }
    const cluster = clusterOf(ctx);
    // the resourceVersion makes two restores racing for the lock conflict instead of both winning
    await ctx.fx.kube.mergePatch(refOf(cluster, cluster.apiVersion, cluster.kind, cluster.metadata.name), {
      metadata: {
        resourceVersion: cluster.metadata.resourceVersion,
        annotations: { [RESTORE_LOCK_ANNOTATION]: ctx.restore.metadata.name },
      },
    });
    return { message: 'locked the cluster; its reconciler leaves the StatefulSet alone' };
  },
};

export const blockTraffic: RestoreStep = {
  name: 'BlockTraffic',
  done: (s) => !s.restore.spec.blockClientTraffic || s.world.networkPolicy,
  async run(ctx) {
    await ctx.fx.kube.apply(buildRestoreNetworkPolicy(clusterOf(ctx), ctx.fx.operatorPeer));
    return { message: 'client traffic blocked: only the operator and the schedulers reach the pods' };
  },
};

export const stopSchedulers: RestoreStep = {
  name: 'StopSchedulers',
  done: (s) => s.world.statefulSet.replicas === 0 && s.world.pods.length === 0,
  async run(ctx) {
    await applyStatefulSet(ctx, ctx.world.statefulSet.mode ?? 'normal', 0);
    return { message: `stopping: ${ctx.world.pods.length} scheduler pods left` };
  },
};

export function startAll(name: string, mode: SchedulerMode, done: (s: Situation) => boolean): RestoreStep {
  return {
    name,
    done,
    async run(ctx) {
      const n = clusterOf(ctx).spec.replicas;
      await applyStatefulSet(ctx, mode, n);
      return { message: `starting ${n} schedulers (${mode} mode): ${livePods(ctx).length} pods so far` };
    },
  };
}

export const unblockTraffic: RestoreStep = {
  name: 'UnblockTraffic',
  done: (s) => !heldByUs(s) || !s.world.networkPolicy,
  async run(ctx) {
    const cluster = clusterOf(ctx);
    const name = restoreNetworkPolicyName(cluster);
    await ctx.fx.kube.delete(refOf(cluster, 'networking.k8s.io/v1', 'NetworkPolicy', name));
    return { message: 'client traffic unblocked' };
  },
};

export const waitReady: RestoreStep = {
  name: 'WaitReady',
  done: (s) =>
    s.world.clusterReady &&
    allRunning(s, s.world.cluster?.spec.replicas ?? 0) &&
    livePods(s).filter((p) => p.frameworkRegistered).length === 1 &&
    livePods(s).every((p) => p.healthy),
  async run(ctx) {
    const registered = livePods(ctx)
      .filter((p) => p.frameworkRegistered)
      .map((p) => p.name);
    return {
      message: `waiting for Ready and FrameworkRegistered (registered: ${registered.join(',') || 'none'})`,
    };
  },
};

export const unlock: RestoreStep = {
  name: 'Unlock',
  done: (s) => !heldByUs(s),
  async run(ctx) {
    const cluster = clusterOf(ctx);
    await ctx.fx.kube.mergePatch(refOf(cluster, cluster.apiVersion, cluster.kind, cluster.metadata.name), {
      metadata: { annotations: { [RESTORE_LOCK_ANNOTATION]: null } },
    });
    return { message: 'unlocked: the cluster reconciler manages the cluster again' };
  },
};

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
          b.name === s.restore.spec.backupId &&
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
  const id = ctx.restore.spec.backupId;
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

export const removeRestoreConfig: RestoreStep = {
  name: 'RemoveRestoreConfig',
  done: (s) => ourConfig(s) === undefined,
  async run(ctx) {
    await ctx.fx.kube.delete(refOf(clusterOf(ctx), 'v1', 'ConfigMap', restoreConfigMapName(clusterOf(ctx))));
    return { message: 'restore ConfigMap removed' };
  },
};

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
