// The restore ConfigMap that tells each pod's log-init what to do, removed once the restore no longer needs it,
// and the cluster put back in its normal configuration.
import { restoreConfigMapName } from '../resources/names.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import { applyStatefulSet } from './scheduler-steps.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  livePods,
  ourConfig,
  stsIs,
  type Situation,
  type WorldPod,
} from './world.ts';

export const removeRestoreConfig: RestoreStep = {
  name: 'RemoveRestoreConfig',
  done: (s) => ourConfig(s) === undefined,
  decide: (s) => ({
    kind: 'kube',
    ops: [
      {
        op: 'delete',
        ref: clusterObjectRef(clusterOf(s), 'v1', 'ConfigMap', restoreConfigMapName(clusterOf(s))),
      },
    ],
    message: 'restore ConfigMap removed',
  }),
};

export const restoreConfiguration: RestoreStep = {
  name: 'RestoreConfiguration',
  done: (s) =>
    s.world.restoreConfig === undefined &&
    stsIs(s, 'normal', desiredReplicas(s)) &&
    allRunning(s, desiredReplicas(s)) &&
    livePods(s).every((p) => p.revision === s.world.statefulSet.updateRevision),
  decide(s) {
    const cluster = clusterOf(s);
    const reset = [
      {
        op: 'delete' as const,
        ref: clusterObjectRef(cluster, 'v1', 'ConfigMap', restoreConfigMapName(cluster)),
      },
      applyStatefulSet(s, 'normal', cluster.spec.replicas),
    ];
    const sts = s.world.statefulSet;
    if (sts.mode !== 'normal' || !sts.synced)
      return { kind: 'kube', ops: reset, message: 'StatefulSet back in the normal configuration' };
    // OnDelete: pods only pick up the normal template when deleted
    const stale = livePods(s).filter((p) => p.revision !== sts.updateRevision);
    return {
      kind: 'kube',
      ops: [...reset, ...stale.map((p) => deletePod(s, p))],
      message: `restarting ${stale.map((p) => p.name).join(', ') || 'no pods'} on the normal configuration`,
    };
  },
};

/** deletePod: the pod observed, by uid, so a replacement created since survives the delete. */
export function deletePod(s: Situation, p: WorldPod) {
  return { op: 'delete' as const, ref: clusterObjectRef(clusterOf(s), 'v1', 'Pod', p.name), uid: p.uid };
}
