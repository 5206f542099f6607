// The cluster lock: one restore per cluster, acknowledged by the cluster controller before any step writes.
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { heldByUs, type Situation } from './world.ts';

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
    await ctx.fx.kube.mergePatch(
      clusterObjectRef(cluster, cluster.apiVersion, cluster.kind, cluster.metadata.name),
      {
        metadata: {
          resourceVersion: cluster.metadata.resourceVersion,
          annotations: { [RESTORE_LOCK_ANNOTATION]: ctx.restore.metadata.name },
        },
      },
    );
    return { message: 'locked the cluster; its reconciler leaves the StatefulSet alone' };
  },
};

export const unlock: RestoreStep = {
  name: 'Unlock',
  done: (s) => !heldByUs(s),
  async run(ctx) {
    const cluster = clusterOf(ctx);
    await ctx.fx.kube.mergePatch(
      clusterObjectRef(cluster, cluster.apiVersion, cluster.kind, cluster.metadata.name),
      {
        metadata: { annotations: { [RESTORE_LOCK_ANNOTATION]: null } },
      },
    );
    return { message: 'unlocked: the cluster reconciler manages the cluster again' };
  },
};
