// Cancelling before commit: unload the staged backup, put every pre-restore log back, restart normally, release.
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import { clusterOf } from './cluster-ref.ts';
import { unlock } from './lock-steps.ts';
import { removeRestoreConfig } from './restore-config-steps.ts';
import { applyStatefulSet } from './scheduler-steps.ts';
import { unblockTraffic } from './traffic-steps.ts';
import { checkedRpc } from './rpc.ts';
import { restoreConfiguration } from './staged-steps.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  awaitingLeader,
  desiredReplicas,
  hasMarker,
  heldByUs,
  livePods,
  ourConfig,
  restoreIdOf,
  stsIs,
  wasWiped,
  type Situation,
} from './world.ts';
import { sourceBackupId } from './source-backup.ts';

/** Nothing to undo unless this restore holds the lock: every mutating step comes after Lock. */
function guarded(step: RestoreStep): RestoreStep {
  return { ...step, done: (s) => !heldByUs(s) || step.done(s) };
}

function needsRollback(s: Situation): boolean {
  return livePods(s).some((p) => wasWiped(p, s) && !hasMarker(p, s, 'rollback'));
}

/** A pod whose agent does not answer may have been wiped: only known markers prove nothing needs undoing. */
function markersUnknown(s: Situation): boolean {
  return livePods(s).some((p) => p.markers === undefined);
}

function needsRestart(s: Situation): boolean {
  return s.world.statefulSet.mode === 'recovery' || needsRollback(s) || markersUnknown(s);
}

export const unloadRecovery: RestoreStep = {
  name: 'UnloadRecovery',
  done: (s) => s.world.staged?.kind !== 'staged',
  async run(ctx) {
    const pod = awaitingLeader(ctx);
    if (!pod?.podIP) throw new Error('no leader to unload the staged recovery from');
    await checkedRpc(() => ctx.fx.admin(pod.podIP ?? '', clusterOf(ctx).spec.httpPort).unloadRecovery());
    return { message: `unloaded the staged recovery on ${pod.name}` };
  },
};

export const configureRollback: RestoreStep = {
  name: 'ConfigureRollback',
  done: (s) => ourConfig(s) === undefined || ourConfig(s)?.action === 'rollback',
  async run(ctx) {
    const instruction = {
      restoreId: restoreIdOf(ctx.restore),
      action: 'rollback' as const,
      backupId: sourceBackupId(ctx.restore),
    };
    await ctx.fx.kube.apply(buildRestoreConfigMap(clusterOf(ctx), instruction));
    return { message: 'restore ConfigMap says rollback: each wiped replica gets its pre-restore log back' };
  },
};

export const stopForRollback: RestoreStep = {
  name: 'StopForRollback',
  done: (s) => !needsRestart(s) || (s.world.statefulSet.replicas === 0 && s.world.pods.length === 0),
  async run(ctx) {
    await applyStatefulSet(ctx, ctx.world.statefulSet.mode ?? 'normal', 0);
    return { message: `stopping: ${ctx.world.pods.length} scheduler pods left` };
  },
};

export const startAsBefore: RestoreStep = {
  name: 'StartAsBefore',
  done: (s) =>
    stsIs(s, 'normal', desiredReplicas(s)) && allRunning(s, desiredReplicas(s)) && !needsRollback(s),
  async run(ctx) {
    const n = clusterOf(ctx).spec.replicas;
    await applyStatefulSet(ctx, 'normal', n);
    // a pod wiped after the stop (e.g. by a pass that acted just before the cancel) runs the rollback on restart
    const wiped = livePods(ctx).filter((p) => wasWiped(p, ctx) && !hasMarker(p, ctx, 'rollback'));
    if (ourConfig(ctx)?.action !== 'rollback' || wiped.length === 0) {
      return { message: `starting ${n} schedulers in the normal configuration` };
    }
    const namespace = clusterOf(ctx).metadata.namespace ?? 'default';
    for (const p of wiped) {
      await ctx.fx.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name: p.name }, { uid: p.uid });
    }
    return {
      message: `restarting ${wiped.map((p) => p.name).join(', ')} so their pre-restore log comes back`,
    };
  },
};

export const CANCEL_STEPS: readonly RestoreStep[] = [
  unloadRecovery,
  configureRollback,
  stopForRollback,
  startAsBefore,
  removeRestoreConfig,
  unblockTraffic,
  unlock,
].map((s) => ({ ...guarded(s), name: `Cancel${s.name}` }));

/** After a failure past commit, deletion finishes the configuration undo instead of rolling back. */
export const RELEASE_STEPS: readonly RestoreStep[] = [restoreConfiguration, unblockTraffic, unlock].map(
  (s) => ({
    ...guarded(s),
    name: `Release${s.name}`,
  }),
);
