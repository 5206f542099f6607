// Steps that stop, start and wait for the cluster's schedulers through its StatefulSet.
import type { SchedulerMode } from '../resources/scheduler-args.ts';
import { buildStatefulSet } from '../resources/statefulset.ts';
import type { KubeOp } from './action.ts';
import { clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { allRunning, livePods, type Situation } from './world.ts';

/** applyStatefulSet: the write that puts the cluster's StatefulSet in `mode` with `replicas`. */
export function applyStatefulSet(s: Situation, mode: SchedulerMode, replicas: number): KubeOp {
  return { op: 'apply', object: buildStatefulSet(clusterOf(s), { mode, replicas }) };
}

export const stopSchedulers: RestoreStep = {
  name: 'StopSchedulers',
  done: (s) => s.world.statefulSet.replicas === 0 && s.world.pods.length === 0,
  decide: (s) => ({
    kind: 'kube',
    ops: [applyStatefulSet(s, s.world.statefulSet.mode ?? 'normal', 0)],
    message: `stopping: ${s.world.pods.length} scheduler pods left`,
  }),
};

export function startAll(name: string, mode: SchedulerMode, done: (s: Situation) => boolean): RestoreStep {
  return {
    name,
    done,
    decide(s) {
      const n = clusterOf(s).spec.replicas;
      return {
        kind: 'kube',
        ops: [applyStatefulSet(s, mode, n)],
        message: `starting ${n} schedulers (${mode} mode): ${livePods(s).length} pods so far`,
      };
    },
  };
}

export const waitReady: RestoreStep = {
  name: 'WaitReady',
  done: (s) =>
    s.world.clusterReady &&
    allRunning(s, s.world.cluster?.spec.replicas ?? 0) &&
    livePods(s).filter((p) => p.frameworkRegistered).length === 1 &&
    livePods(s).every((p) => p.healthy),
  decide(s) {
    const registered = livePods(s)
      .filter((p) => p.frameworkRegistered)
      .map((p) => p.name);
    return {
      kind: 'wait',
      message: `waiting for Ready and FrameworkRegistered (registered: ${registered.join(',') || 'none'})`,
    };
  },
};
