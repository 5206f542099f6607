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

const RECOVER_ORDINAL = 0;

function recoverPodName(s: Situation): string {
  return s.world.cluster ? podName(s.world.cluster, RECOVER_ORDINAL) : '';
}

export const placeBackupOffline: RestoreStep = {
  name: 'PlaceBackup',
  done: (s) => holdsSourceBackup(s, recoverPodName(s)),
  decide: (s) => copyBackupTo(s, recoverPodName(s)),
};

export const configureOffline: RestoreStep = {
  name: 'Configure',
  done: (s) => ourConfig(s)?.action === 'wipe-and-recover' && stsIs(s, 'normal', 0),
  decide(s) {
    const instruction = {
      restoreId: restoreIdOf(s.restore),
      action: 'wipe-and-recover' as const,
      backupId: sourceBackupId(s.restore),
      recoverOrdinal: RECOVER_ORDINAL,
    };
    return {
      kind: 'kube',
      ops: [
        { op: 'apply', object: buildRestoreConfigMap(clusterOf(s), instruction) },
        applyStatefulSet(s, 'normal', 0),
      ],
      message: `every log is wiped on start; ${recoverPodName(s)} runs recovery-tool`,
    };
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
  decide(s) {
    const failing = logInitFailing(s, recoverPodName(s));
    if (failing) {
      const error = new TerminalError('RecoveryToolFailed', `${failing}; see its log-init container log`);
      return { kind: 'fail', error };
    }
    const others = livePods(s).filter((p) => p.name !== recoverPodName(s));
    if (others.length > 0) {
      return {
        kind: 'kube',
        ops: [applyStatefulSet(s, 'normal', 0)],
        message: `waiting for ${others.map((p) => p.name).join(', ')} to stop before recovery-tool runs`,
      };
    }
    return {
      kind: 'kube',
      ops: [applyStatefulSet(s, 'normal', 1)],
      message: `${recoverPodName(s)} wipes its log and runs recovery-tool with no scheduler running`,
    };
  },
};

/** commitPoint: from here schedulers run on the restored log, so cancelling would roll a live cluster back. */
export const commitPoint: RestoreStep = {
  name: 'CommitPoint',
  done: (s) => s.restore.status?.commitRequestedAt !== undefined,
  decide: () => ({
    kind: 'checkpoint',
    stamp: 'commitRequestedAt',
    window: 'intent',
    then: {
      kind: 'wait',
      message: 'commit point: the restored log goes live; the restore can no longer be cancelled',
    },
  }),
};

function startN(name: string, count: (s: Situation) => number): RestoreStep {
  return {
    name,
    done: (s) =>
      stsIs(s, 'normal', count(s)) &&
      allRunning(s, count(s)) &&
      livePods(s).every((p) => hasMarker(p, s, 'wipe-and-recover')) &&
      livePods(s).filter((p) => p.logRecovered).length >= quorumSize(desiredReplicas(s)),
    decide(s) {
      const failing = livePods(s)
        .map((p) => logInitFailing(s, p.name))
        .find(Boolean);
      if (failing) {
        return {
          kind: 'fail',
          error: new TerminalError('LogInitFailed', `${failing}; see its log-init container log`),
        };
      }
      const recovered = livePods(s).filter((p) => p.logRecovered).length;
      return {
        kind: 'kube',
        ops: [applyStatefulSet(s, 'normal', count(s))],
        message: `starting ${count(s)} schedulers: ${livePods(s).length} pods, ${recovered} with a recovered log`,
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
  decide(s) {
    const leader = livePods(s).find(
      (p) => p.podIP && (p.lifecycle === 'ACTIVE' || p.lifecycle === 'LEADER_AWAITING_REGISTRATION'),
    );
    if (!leader?.podIP)
      return { kind: 'wait', message: 'waiting for a leader whose storage is READY', pollStorage: true };
    return {
      kind: 'rpc',
      call: 'snapshot',
      target: { pod: leader.name, host: leader.podIP, port: clusterOf(s).spec.httpPort },
      stamp: 'logSnapshotAt',
      message: `${leader.name} wrote a log snapshot of the restored state to a quorum`,
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
