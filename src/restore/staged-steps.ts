// The seed's online procedure: partially disabled schedulers on wiped logs stage, preview and commit the backup.
import { TerminalError } from '../controller/result.ts';
import { restoreConfigMapName } from '../resources/names.ts';
import { buildRestoreConfigMap } from '../resources/restore-config.ts';
import type { JobKey } from '../thrift/api-types.ts';
import { copyBackupTo, holdsSourceBackup, markSucceeded, validate } from './backup-steps.ts';
import { impact } from './impact-step.ts';
import { clusterOf } from './cluster-ref.ts';
import { lock, unlock } from './lock-steps.ts';
import { applyStatefulSet, startAll, stopSchedulers, waitReady } from './scheduler-steps.ts';
import { blockTraffic, unblockTraffic } from './traffic-steps.ts';
import { computePreview } from './preview.ts';
import { committedAsStaged } from './staged-guards.ts';
import { checkedRpc } from './rpc.ts';
import { deliveryOf } from '../aurora/rpc-delivery.ts';
import { digestTaskIds } from './task-digest.ts';
import type { RestoreStep, StepContext } from './step.ts';
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
import { storagePollMs, storageWait } from './storage-wait.ts';

export const configure: RestoreStep = {
  name: 'Configure',
  done: (s) => ourConfig(s)?.action === 'wipe' && stsIs(s, 'recovery', 0),
  async run(ctx) {
    const cluster = clusterOf(ctx);
    const instruction = {
      restoreId: restoreIdOf(ctx.restore),
      action: 'wipe' as const,
      backupId: sourceBackupId(ctx.restore),
    };
    await ctx.fx.kube.apply(buildRestoreConfigMap(cluster, instruction));
    await applyStatefulSet(ctx, 'recovery', 0);
    return { message: 'restore ConfigMap says wipe; StatefulSet in the partially disabled configuration' };
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
  async run(ctx) {
    const pod = awaitingLeader(ctx);
    if (!pod) return { message: 'waiting for a scheduler in LEADER_AWAITING_REGISTRATION (/vars.json)' };
    return {
      message: `leader is ${pod.name} (awaiting registration, no member_ node)`,
      status: { leader: pod.name },
    };
  },
};

function admin(ctx: StepContext) {
  const pod = leaderPod(ctx);
  if (!pod?.podIP) throw new Error('the leader is not awaiting registration any more');
  return ctx.fx.admin(pod.podIP, clusterOf(ctx).spec.httpPort);
}

export const placeBackup: RestoreStep = {
  name: 'PlaceBackup',
  done: (s) => holdsSourceBackup(s, leaderPod(s)?.name),
  run: (ctx) => copyBackupTo(ctx, leaderPod(ctx)?.name),
};

export const stageRecovery: RestoreStep = {
  name: 'StageRecovery',
  done: (s) => s.world.staged?.kind === 'staged',
  async run(ctx) {
    const id = sourceBackupId(ctx.restore);
    const wait = await storageWait(ctx, admin(ctx), 'StageRecovery', 'stageRecovery');
    if (wait) return wait;
    await checkedRpc(
      () => admin(ctx).stageRecovery(id),
      (m) => m.some((x) => x.includes('Another backup is already loaded')),
    );
    return { message: `staged ${id} on ${ctx.restore.status?.leader}` };
  },
};

/** Preview runs after DeleteTasks, so the approver sees exactly what a commit will write, and records its digest. */
export const preview: RestoreStep = {
  name: 'Preview',
  done: (s) => s.restore.status?.preview?.taskCount !== undefined && s.restore.status.staged !== undefined,
  async run(ctx) {
    const tasks = await checkedRpc(() => admin(ctx).queryRecovery({}));
    if (tasks === 'accepted') throw new Error('unreachable');
    const source = ctx.restore.status?.source;
    const p = computePreview(tasks, source?.snapshotAt ?? source?.takenAt, ctx.fx.now());
    const ids = tasks.map((t) => t.assignedTask.taskId);
    return {
      message: `the staged snapshot holds ${p.taskCount} tasks`,
      status: { preview: p, staged: { taskCount: ids.length, digest: digestTaskIds(ids) } },
    };
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
  async run(ctx) {
    const { taskIds, jobKeys } = ctx.restore.spec.deleteTasks;
    if (taskIds.length > 0) await checkedRpc(() => admin(ctx).deleteRecoveryTasks({ taskIds }));
    if (jobKeys.length > 0) {
      await checkedRpc(() => admin(ctx).deleteRecoveryTasks({ jobKeys: jobKeys.map(jobKey) }));
    }
    return {
      message: `deleted ${taskIds.length} task ids and ${jobKeys.length} jobs from the staged snapshot`,
    };
  },
};

export const approval: RestoreStep = {
  name: 'Approval',
  done: (s) => !s.restore.spec.approval.required || s.restore.spec.approval.approved,
  async run(ctx) {
    // the approver decides on what the restore kills: status.impact, summarized in the message and one event
    const summary = ctx.restore.status?.impact?.summary ?? 'impact not computed';
    const message = `waiting for spec.approval.approved=true: ${summary}; status.preview shows what would be restored`;
    const first = !ctx.restore.status?.timeline?.find((t) => t.step === 'Approval')?.message;
    return {
      phase: 'AwaitingApproval',
      message,
      requeueAfterMs: 30_000,
      events: first ? [{ type: 'Normal', reason: 'AwaitingApproval', message: `restore ${summary}` }] : [],
    };
  },
};

/** Commits that could have landed and did not show in the log; refusals are never counted. */
const MAX_COMMIT_ATTEMPTS = 3;

export const commit: RestoreStep = {
  name: 'Commit',
  done: committedAsStaged,
  async run(ctx) {
    const expected = ctx.restore.status?.staged;
    if (!expected) throw new Error('the staged snapshot was not recorded; Preview runs first');
    if (!ctx.restore.status?.commitRequestedAt) {
      // recorded first: from here on the restore can no longer be cancelled
      await ctx.saveStatus({ commitRequestedAt: ctx.fx.now().toISOString(), commitAttempts: 0 }, 'intent');
    }
    const staged = ctx.world.staged;
    if (staged?.kind !== 'staged') {
      // whether the commit landed is proven by the stored state (Commit.done), never by "nothing staged"
      return {
        message: `verifying the commit: waiting for a leader whose storage answers (${describeStored(ctx)})`,
        requeueAfterMs: storagePollMs(ctx, 'Commit'),
      };
    }
    if (digestTaskIds(staged.taskIds) !== expected.digest) {
      throw new TerminalError(
        'StagedMismatch',
        `the staged snapshot (${staged.taskIds.length} tasks) differs from the one previewed (${expected.taskCount} tasks)`,
      );
    }
    const leader = leaderPod(ctx);
    const sentTo = ctx.restore.status?.commitSentTo;
    // a landed commit ends in its scheduler exiting: the same scheduler still holding the snapshot proves it did not
    const unlanded = sentTo !== undefined && sentTo === leader?.uid ? 1 : 0;
    const attempts = (ctx.restore.status?.commitAttempts ?? 0) - unlanded;
    if (attempts >= MAX_COMMIT_ATTEMPTS) {
      throw new TerminalError(
        'CommitNotVerified',
        `commitRecovery reached a leader holding the staged snapshot ${attempts} times and the log never held ` +
          'it; the cluster stays in the partially disabled configuration',
      );
    }
    const wait = await storageWait(ctx, admin(ctx), 'Commit', 'commitRecovery');
    if (wait) return wait;
    try {
      await admin(ctx).commitRecovery();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (deliveryOf(err) === 'refused') {
        throw new Error(`commitRecovery refused, not counted as an attempt: ${why}`, { cause: err });
      }
      // the reply was lost after the request went out: the stored state decides whether it landed
      await ctx.saveStatus({
        commitAttempts: attempts + 1,
        ...(leader?.uid ? { commitSentTo: leader.uid } : {}),
      });
      throw new Error(`commitRecovery attempt ${attempts + 1} got no answer: ${why}; verifying the log`, {
        cause: err,
      });
    }
    await ctx.saveStatus({ commitAttempts: attempts + 1, commitSentTo: undefined });
    return {
      message: `commitRecovery accepted (${expected.taskCount} tasks, attempt ${attempts + 1}); verifying the log after the mandatory failover`,
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
  async run(ctx) {
    const cluster = clusterOf(ctx);
    const namespace = cluster.metadata.namespace ?? 'default';
    await ctx.fx.kube.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace,
      name: restoreConfigMapName(cluster),
    });
    await applyStatefulSet(ctx, 'normal', cluster.spec.replicas);
    const sts = ctx.world.statefulSet;
    if (sts.mode !== 'normal' || !sts.synced)
      return { message: 'StatefulSet back in the normal configuration' };
    // OnDelete: pods only pick up the normal template when deleted
    const stale = livePods(ctx).filter((p) => p.revision !== sts.updateRevision);
    for (const p of stale) {
      await ctx.fx.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name: p.name }, { uid: p.uid });
    }
    return {
      message: `restarting ${stale.map((p) => p.name).join(', ') || 'no pods'} on the normal configuration`,
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
