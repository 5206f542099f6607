// The seed's online procedure: partially disabled schedulers on wiped logs stage, preview and commit the backup.
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import type { JobKey, TaskQuery } from '../thrift/api-types.ts';
import { copyBackupTo, holdsSourceBackup, markSucceeded, validate } from './backup-steps.ts';
import { impact } from './impact-step.ts';
import { clusterOf } from './cluster-ref.ts';
import { lock, unlock } from './lock-steps.ts';
import { applyStatefulSet, startAll, stopSchedulers, waitReady } from './scheduler-steps.ts';
import { blockTraffic, unblockTraffic } from './traffic-steps.ts';
import { commit } from './commit-step.ts';
import { findLeader, LEADER_GONE, leaderPod, leaderTarget } from './leader-steps.ts';
import { restoreConfiguration } from './restore-config-steps.ts';
import type { RestoreStep } from './step.ts';
import { allRunning, desiredReplicas, hasMarker, livePods, ourConfig, restoreIdOf, stsIs } from './world.ts';
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
