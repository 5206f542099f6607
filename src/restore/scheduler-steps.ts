// Steps that stop, start and wait for the cluster's schedulers through its StatefulSet.
import type { SchedulerMode } from '../resources/scheduler-args.ts';
import { buildStatefulSet } from '../resources/statefulset.ts';
import { clusterOf } from './cluster-ref.ts';
import type { RestoreStep, StepContext } from './step.ts';
import { allRunning, livePods, type Situation } from './world.ts';

export async function applyStatefulSet(
  ctx: StepContext,
  mode: SchedulerMode,
  replicas: number,
): Promise<void> {
  await ctx.fx.kube.apply(buildStatefulSet(clusterOf(ctx), { mode, replicas }));
}

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
