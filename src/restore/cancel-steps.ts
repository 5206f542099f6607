// Cancelling before commit: unload the staged backup, put every pre-restore log back, restart normally, release.
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import { clusterOf } from './cluster-ref.ts';
import { unlock } from './lock-steps.ts';
import { removeRestoreConfig } from './restore-config-steps.ts';
import { applyStatefulSet } from './scheduler-steps.ts';
import { unblockTraffic } from './traffic-steps.ts';
import { deletePod, restoreConfiguration } from './restore-config-steps.ts';
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
  decide(s) {
    const pod = awaitingLeader(s);
    if (!pod?.podIP) return { kind: 'retry', reason: 'no leader to unload the staged recovery from' };
    return {
      kind: 'rpc',
      call: 'unloadRecovery',
      target: { pod: pod.name, host: pod.podIP, port: clusterOf(s).spec.httpPort },
      message: `unloaded the staged recovery on ${pod.name}`,
    };
  },
};

export const configureRollback: RestoreStep = {
  name: 'ConfigureRollback',
  done: (s) => ourConfig(s) === undefined || ourConfig(s)?.action === 'rollback',
  decide(s) {
    const instruction = {
      restoreId: restoreIdOf(s.restore),
      action: 'rollback' as const,
      backupId: sourceBackupId(s.restore),
    };
    return {
      kind: 'kube',
      ops: [{ op: 'apply', object: buildRestoreConfigMap(clusterOf(s), instruction) }],
      message: 'restore ConfigMap says rollback: each wiped replica gets its pre-restore log back',
    };
  },
};

export const stopForRollback: RestoreStep = {
  name: 'StopForRollback',
  done: (s) => !needsRestart(s) || (s.world.statefulSet.replicas === 0 && s.world.pods.length === 0),
  decide: (s) => ({
    kind: 'kube',
    ops: [applyStatefulSet(s, s.world.statefulSet.mode ?? 'normal', 0)],
    message: `stopping: ${s.world.pods.length} scheduler pods left`,
  }),
};

export const startAsBefore: RestoreStep = {
  name: 'StartAsBefore',
  done: (s) =>
    stsIs(s, 'normal', desiredReplicas(s)) && allRunning(s, desiredReplicas(s)) && !needsRollback(s),
  decide(s) {
    const n = clusterOf(s).spec.replicas;
    const start = applyStatefulSet(s, 'normal', n);
    // a pod wiped after the stop (e.g. by a pass that acted just before the cancel) runs the rollback on restart
    const wiped = livePods(s).filter((p) => wasWiped(p, s) && !hasMarker(p, s, 'rollback'));
    if (ourConfig(s)?.action !== 'rollback' || wiped.length === 0) {
      return { kind: 'kube', ops: [start], message: `starting ${n} schedulers in the normal configuration` };
    }
    return {
      kind: 'kube',
      ops: [start, ...wiped.map((p) => deletePod(s, p))],
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
