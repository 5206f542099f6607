// The cluster lock: one restore per cluster, acknowledged by the cluster controller before any step writes.
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { heldByUs, type Situation } from './world.ts';

/** lockAcknowledged: the cluster controller has seen the lock, so no pass that missed it can still be writing. */
export function lockAcknowledged(s: Situation): boolean {
  return heldByUs(s) && s.world.lockAcknowledged === s.restore.metadata.name;
}

function clusterRef(s: Situation) {
  const cluster = clusterOf(s);
  return clusterObjectRef(cluster, cluster.apiVersion, cluster.kind, cluster.metadata.name);
}

export const lock: RestoreStep = {
  name: 'Lock',
  done: lockAcknowledged,
  decide(s) {
    const holder = s.world.lockHolder;
    if (holder && holder !== s.restore.metadata.name) {
      return {
        kind: 'wait',
        message: `waiting: AuroraRestore ${holder} holds the cluster; only one restore per cluster runs at a time`,
        requeueAfterMs: 5000,
      };
    }
    if (holder) {
      return {
        kind: 'wait',
        message: 'locked; waiting for the cluster controller to acknowledge the lock in status.lock',
        requeueAfterMs: 1000,
      };
    }
    // the resourceVersion makes two restores racing for the lock conflict instead of both winning
    const patch = {
      metadata: {
        resourceVersion: clusterOf(s).metadata.resourceVersion,
        annotations: { [RESTORE_LOCK_ANNOTATION]: s.restore.metadata.name },
      },
    };
    return {
      kind: 'kube',
      ops: [{ op: 'patch', ref: clusterRef(s), patch }],
      message: 'locked the cluster; its reconciler leaves the StatefulSet alone',
    };
  },
};

export const unlock: RestoreStep = {
  name: 'Unlock',
  done: (s) => !heldByUs(s),
  decide: (s) => ({
    kind: 'kube',
    ops: [
      {
        op: 'patch',
        ref: clusterRef(s),
        patch: { metadata: { annotations: { [RESTORE_LOCK_ANNOTATION]: null } } },
      },
    ],
    message: 'unlocked: the cluster reconciler manages the cluster again',
  }),
};
