// Upstream's later procedure: every log wiped and initialized, recovery-tool on ordinal 0, then a quorum, then all.
import { quorumSize } from '../api/aurora-cluster.ts';
import { TerminalError } from '../controller/result.ts';
import { podName } from '../resources/names.ts';
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import { copyBackupTo, holdsSourceBackup, markSucceeded, validate } from './backup-steps.ts';
import { impact } from './impact-step.ts';
import { clusterOf } from './cluster-ref.ts';
import { lock, unlock } from './lock-steps.ts';
import { removeRestoreConfig } from './restore-config-steps.ts';
import { applyStatefulSet, stopSchedulers, waitReady } from './scheduler-steps.ts';
import { blockTraffic, unblockTraffic } from './traffic-steps.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  desiredReplicas,
  hasMarker,
  livePods,
  ourConfig,
  restoreIdOf,
  stsIs,
  type Situation,
} from './world.ts';
import { sourceBackupId } from './source-backup.ts';
import { storagePollMs } from './storage-wait.ts';

const RECOVER_ORDINAL = 0;

function recoverPodName(s: Situation): string {
  return s.world.cluster ? podName(s.world.cluster, RECOVER_ORDINAL) : '';
}

export const placeBackupOffline: RestoreStep = {
  name: 'PlaceBackup',
  done: (s) => holdsSourceBackup(s, recoverPodName(s)),
  run: (ctx) => copyBackupTo(ctx, recoverPodName(ctx)),
};

export const configureOffline: RestoreStep = {
  name: 'Configure',
  done: (s) => ourConfig(s)?.action === 'wipe-and-recover' && stsIs(s, 'normal', 0),
  async run(ctx) {
    const instruction = {
      restoreId: restoreIdOf(ctx.restore),
      action: 'wipe-and-recover' as const,
      backupId: sourceBackupId(ctx.restore),
      recoverOrdinal: RECOVER_ORDINAL,
    };
    await ctx.fx.kube.apply(buildRestoreConfigMap(clusterOf(ctx), instruction));
    await applyStatefulSet(ctx, 'normal', 0);
    return { message: `every log is wiped on start; ${recoverPodName(ctx)} runs recovery-tool` };
  },
};

/** logInitFailing: recovery-tool (or the wipe) keeps failing on a pod, which no amount of waiting fixes. */
function logInitFailing(s: Situation, name: string): string | undefined {
  const failures = livePods(s).find((p) => p.name === name)?.logInitFailures;
  if (!failures || failures.restarts < MAX_LOG_INIT_FAILURES) return undefined;
  return `log-init on ${name} failed ${failures.restarts} times (last exit code ${failures.exitCode ?? '?'})`;
}

const MAX_LOG_INIT_FAILURES = 3;

/** recovery-tool runs alone, as upstream runs it: no scheduler of this cluster is up while it writes the log. */
export const recoverFirst: RestoreStep = {
  name: 'Recover',
  done: (s) =>
    quorumSize(desiredReplicas(s)) === 1 ||
    livePods(s).some((p) => p.name === recoverPodName(s) && hasMarker(p, s, 'wipe-and-recover')),
  async run(ctx) {
    const failing = logInitFailing(ctx, recoverPodName(ctx));
    if (failing) throw new TerminalError('RecoveryToolFailed', `${failing}; see its log-init container log`);
    const others = livePods(ctx).filter((p) => p.name !== recoverPodName(ctx));
    if (others.length > 0) {
      await applyStatefulSet(ctx, 'normal', 0);
      return {
        message: `waiting for ${others.map((p) => p.name).join(', ')} to stop before recovery-tool runs`,
      };
    }
    await applyStatefulSet(ctx, 'normal', 1);
    return {
      message: `${recoverPodName(ctx)} wipes its log and runs recovery-tool with no scheduler running`,
    };
  },
};

/** commitPoint: from here schedulers run on the restored log, so cancelling would roll a live cluster back. */
export const commitPoint: RestoreStep = {
  name: 'CommitPoint',
  done: (s) => s.restore.status?.commitRequestedAt !== undefined,
  async run(ctx) {
    await ctx.saveStatus({ commitRequestedAt: ctx.fx.now().toISOString() }, 'intent');
    return { message: 'commit point: the restored log goes live; the restore can no longer be cancelled' };
  },
};

function startN(name: string, count: (s: Situation) => number): RestoreStep {
  return {
    name,
    done: (s) =>
      stsIs(s, 'normal', count(s)) &&
      allRunning(s, count(s)) &&
      livePods(s).every((p) => hasMarker(p, s, 'wipe-and-recover')) &&
      livePods(s).filter((p) => p.logRecovered).length >= quorumSize(desiredReplicas(s)),
    async run(ctx) {
      const failing = livePods(ctx)
        .map((p) => logInitFailing(ctx, p.name))
        .find(Boolean);
      if (failing) throw new TerminalError('LogInitFailed', `${failing}; see its log-init container log`);
      await applyStatefulSet(ctx, 'normal', count(ctx));
      const recovered = livePods(ctx).filter((p) => p.logRecovered).length;
      return {
        message: `starting ${count(ctx)} schedulers: ${livePods(ctx).length} pods, ${recovered} with a recovered log`,
      };
    },
  };
}

export const startQuorum = startN('StartQuorum', (s) => quorumSize(desiredReplicas(s)));
export const startAllOffline = startN('StartAll', desiredReplicas);

/**
 * snapshotQuorum: initialized replicas are VOTING but empty, so until the leader writes, a later writer whose
 * quorum is made of them would see an empty log; a log snapshot (acknowledged only once a quorum stored it) puts
 * the restored state on the quorum before the rest start.
 */
export const snapshotQuorum: RestoreStep = {
  name: 'SnapshotQuorum',
  done: (s) => s.restore.status?.logSnapshotAt !== undefined,
  async run(ctx) {
    const leader = livePods(ctx).find(
      (p) => p.podIP && (p.lifecycle === 'ACTIVE' || p.lifecycle === 'LEADER_AWAITING_REGISTRATION'),
    );
    if (!leader?.podIP)
      return {
        message: 'waiting for a leader whose storage is READY',
        requeueAfterMs: storagePollMs(ctx, 'SnapshotQuorum'),
      };
    await ctx.fx.admin(leader.podIP, clusterOf(ctx).spec.httpPort).snapshot();
    return {
      message: `${leader.name} wrote a log snapshot of the restored state to a quorum`,
      status: { logSnapshotAt: ctx.fx.now().toISOString() },
    };
  },
};

export const OFFLINE_STEPS: readonly RestoreStep[] = [
  validate,
  impact,
  lock,
  blockTraffic,
  placeBackupOffline,
  stopSchedulers,
  configureOffline,
  recoverFirst,
  commitPoint,
  startQuorum,
  snapshotQuorum,
  startAllOffline,
  removeRestoreConfig,
  unblockTraffic,
  waitReady,
  markSucceeded,
  unlock,
];
