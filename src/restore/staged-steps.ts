// The seed's online procedure: partially disabled schedulers on wiped logs stage, preview and commit the backup.
import { TerminalError } from '../controller/result.ts';
import { restoreConfigMapName } from '../resources/names.ts';
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import type { JobKey, TaskQuery } from '../thrift/api-types.ts';
import type { RestoreAction, RpcTarget } from './action.ts';
import { copyBackupTo, holdsSourceBackup, markSucceeded, validate } from './backup-steps.ts';
import { impact } from './impact-step.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import { lock, unlock } from './lock-steps.ts';
import { applyStatefulSet, startAll, stopSchedulers, waitReady } from './scheduler-steps.ts';
import { blockTraffic, unblockTraffic } from './traffic-steps.ts';
import { committedAsStaged } from './staged-guards.ts';
import { digestTaskIds } from './task-digest.ts';
import type { RestoreStep } from './step.ts';
import {
  allRunning,
  awaitingLeader,
  desiredReplicas,
  hasMarker,
  livePods,
  ourConfig,
  restoreIdOf,
  stsIs,
  type Situation,
  type WorldPod,
} from './world.ts';
import { sourceBackupId } from './source-backup.ts';

export const configure: RestoreStep = {
  name: 'Configure',
  done: (s) => ourConfig(s)?.action === 'wipe' && stsIs(s, 'recovery', 0),
  decide(s) {
    const instruction = {
      restoreId: restoreIdOf(s.restore),
      action: 'wipe' as const,
      backupId: sourceBackupId(s.restore),
    };
    return {
      kind: 'kube',
      ops: [
        { op: 'apply', object: buildRestoreConfigMap(clusterOf(s), instruction) },
        applyStatefulSet(s, 'recovery', 0),
      ],
      message: 'restore ConfigMap says wipe; StatefulSet in the partially disabled configuration',
    };
  },
};

export const startSchedulers = startAll(
  'StartSchedulers',
  'recovery',
  (s) =>
    stsIs(s, 'recovery', desiredReplicas(s)) &&
    allRunning(s, desiredReplicas(s)) &&
    livePods(s).every((p) => hasMarker(p, s, 'wipe')),
);

export function leaderPod(s: Situation): WorldPod | undefined {
  const name = s.restore.status?.leader;
  return livePods(s).find((p) => p.name === name && p.lifecycle === 'LEADER_AWAITING_REGISTRATION');
}

export const findLeader: RestoreStep = {
  name: 'FindLeader',
  done: (s) => leaderPod(s) !== undefined,
  decide(s) {
    const pod = awaitingLeader(s);
    if (!pod)
      return {
        kind: 'wait',
        message: 'waiting for a scheduler in LEADER_AWAITING_REGISTRATION (/vars.json)',
      };
    return {
      kind: 'record',
      message: `leader is ${pod.name} (awaiting registration, no member_ node)`,
      status: { leader: pod.name },
    };
  },
};

const LEADER_GONE: RestoreAction = {
  kind: 'retry',
  reason: 'the leader is not awaiting registration any more',
};

/** the leader found by FindLeader, called directly; undefined when it cannot be called */
function leaderTarget(s: Situation): RpcTarget | undefined {
  const pod = leaderPod(s);
  if (!pod?.podIP) return undefined;
  return { pod: pod.name, host: pod.podIP, port: clusterOf(s).spec.httpPort };
}

export const placeBackup: RestoreStep = {
  name: 'PlaceBackup',
  done: (s) => holdsSourceBackup(s, leaderPod(s)?.name),
  decide: (s) => copyBackupTo(s, leaderPod(s)?.name),
};

export const stageRecovery: RestoreStep = {
  name: 'StageRecovery',
  done: (s) => s.world.staged?.kind === 'staged',
  decide(s) {
    const target = leaderTarget(s);
    if (!target) return LEADER_GONE;
    const id = sourceBackupId(s.restore);
    return {
      kind: 'rpc',
      call: 'stageRecovery',
      target,
      backupId: id,
      alreadyDone: 'Another backup is already loaded',
      requireStorage: true,
      message: `staged ${id} on ${s.restore.status?.leader}`,
    };
  },
};

/** Preview runs after DeleteTasks, so the approver sees exactly what a commit will write, and records its digest. */
export const preview: RestoreStep = {
  name: 'Preview',
  done: (s) => s.restore.status?.preview?.taskCount !== undefined && s.restore.status.staged !== undefined,
  decide(s) {
    const target = leaderTarget(s);
    if (!target) return LEADER_GONE;
    const source = s.restore.status?.source;
    return { kind: 'rpc', call: 'queryRecovery', target, snapshotAt: source?.snapshotAt ?? source?.takenAt };
  },
};

function jobKey(key: string): JobKey {
  const [role = '', environment = '', name = ''] = key.split('/');
  return { role, environment, name };
}

export const deleteTasks: RestoreStep = {
  name: 'DeleteTasks',
  done: (s) => {
    const staged = s.world.staged;
    if (staged?.kind !== 'staged') return false;
    const { taskIds, jobKeys } = s.restore.spec.deleteTasks;
    return (
      !staged.taskIds.some((id) => taskIds.includes(id)) && !staged.jobKeys.some((k) => jobKeys.includes(k))
    );
  },
  decide(s) {
    const { taskIds, jobKeys } = s.restore.spec.deleteTasks;
    const queries: TaskQuery[] = [];
    if (taskIds.length > 0) queries.push({ taskIds });
    if (jobKeys.length > 0) queries.push({ jobKeys: jobKeys.map(jobKey) });
    const target = leaderTarget(s);
    if (!target && queries.length > 0) return LEADER_GONE;
    const message = `deleted ${taskIds.length} task ids and ${jobKeys.length} jobs from the staged snapshot`;
    if (!target) return { kind: 'wait', message };
    return { kind: 'rpc', call: 'deleteRecoveryTasks', target, queries, message };
  },
};

export const approval: RestoreStep = {
  name: 'Approval',
  done: (s) => !s.restore.spec.approval.required || s.restore.spec.approval.approved,
  decide(s) {
    // the approver decides on what the restore kills: status.impact, summarized in the message and one event
    const summary = s.restore.status?.impact?.summary ?? 'impact not computed';
    const message = `waiting for spec.approval.approved=true: ${summary}; status.preview shows what would be restored`;
    const first = !s.restore.status?.timeline?.find((t) => t.step === 'Approval')?.message;
    return {
      kind: 'wait',
      phase: 'AwaitingApproval',
      message,
      requeueAfterMs: 30_000,
      events: first ? [{ type: 'Normal', reason: 'AwaitingApproval', message: `restore ${summary}` }] : [],
    };
  },
};

/** Commits that could have landed and did not show in the log; refusals are never counted (commit-action.ts). */
const MAX_COMMIT_ATTEMPTS = 3;

/** commitAfterIntent: with the commit intent recorded, what the staged snapshot and the leader allow. */
function commitAfterIntent(s: Situation): RestoreAction {
  const expected = s.restore.status?.staged;
  const staged = s.world.staged;
  if (!expected) return { kind: 'retry', reason: 'the staged snapshot was not recorded; Preview runs first' };
  if (staged?.kind !== 'staged') {
    // whether the commit landed is proven by the stored state (Commit.done), never by "nothing staged"
    return {
      kind: 'wait',
      message: `verifying the commit: waiting for a leader whose storage answers (${describeStored(s)})`,
      pollStorage: true,
    };
  }
  if (digestTaskIds(staged.taskIds) !== expected.digest) {
    const error = new TerminalError(
      'StagedMismatch',
      `the staged snapshot (${staged.taskIds.length} tasks) differs from the one previewed (${expected.taskCount} tasks)`,
    );
    return { kind: 'fail', error };
  }
  const leader = leaderPod(s);
  const target = leader && {
    pod: leader.name,
    host: leader.podIP,
    port: clusterOf(s).spec.httpPort,
    uid: leader.uid,
  };
  return {
    kind: 'rpc',
    call: 'commitRecovery',
    target,
    budget: MAX_COMMIT_ATTEMPTS,
    taskCount: expected.taskCount,
    requireStorage: true,
  };
}

export const commit: RestoreStep = {
  name: 'Commit',
  done: committedAsStaged,
  decide(s) {
    if (!s.restore.status?.staged || s.restore.status.commitRequestedAt) return commitAfterIntent(s);
    // recorded first: from here on the restore can no longer be cancelled
    const status = { ...s.restore.status, commitAttempts: 0 };
    return {
      kind: 'checkpoint',
      stamp: 'commitRequestedAt',
      status: { commitAttempts: 0 },
      window: 'intent',
      then: commitAfterIntent({ ...s, restore: { ...s.restore, status } }),
    };
  },
};

function describeStored(s: Situation): string {
  const stored = s.world.stored;
  if (stored?.kind === 'tasks') return `${stored.pod} holds ${stored.taskIds.length} tasks`;
  return stored?.reason ?? 'not observed';
}

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

export const STAGED_STEPS: readonly RestoreStep[] = [
  validate,
  impact,
  lock,
  blockTraffic,
  stopSchedulers,
  configure,
  startSchedulers,
  findLeader,
  placeBackup,
  stageRecovery,
  deleteTasks,
  preview,
  approval,
  commit,
  restoreConfiguration,
  unblockTraffic,
  waitReady,
  markSucceeded,
  unlock,
];
