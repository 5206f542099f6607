// The executor's admin calls to one scheduler: Aurora's answers sorted by checkedRpc (ERROR_TRANSIENT retries, any
// other ERROR is terminal), the storage read before a call that needs READY storage, the commit by its budget.
import type { RpcAction } from './action.ts';
import { performCommit } from './commit-action.ts';
import { computePreview } from './preview.ts';
import { checkedRpc } from './rpc.ts';
import type { StepContext, StepOutcome } from './step.ts';
import { storageNotReady, storageWait } from './storage-wait.ts';
import { digestTaskIds } from './task-digest.ts';

export async function performRpc(a: RpcAction, ctx: StepContext, step: string): Promise<StepOutcome> {
  if (a.call === 'commitRecovery') return performCommit(a, ctx, step);
  const admin = ctx.fx.admin(a.target.host, a.target.port);
  switch (a.call) {
    case 'stageRecovery': {
      const wait = a.requireStorage ? await storageWait(ctx, admin, step, a.call) : undefined;
      if (wait) return wait;
      await checkedRpc(
        () => admin.stageRecovery(a.backupId),
        (m) => m.some((x) => x.includes(a.alreadyDone)),
      );
      return { message: a.message };
    }
    case 'deleteRecoveryTasks':
      for (const query of a.queries) await checkedRpc(() => admin.deleteRecoveryTasks(query));
      return { message: a.message };
    case 'queryRecovery': {
      const tasks = await checkedRpc(() => admin.queryRecovery({}));
      if (tasks === 'accepted') throw new Error('unreachable');
      const p = computePreview(tasks, a.snapshotAt, ctx.fx.now());
      const ids = tasks.map((t) => t.assignedTask.taskId);
      return {
        message: `the staged snapshot holds ${p.taskCount} tasks`,
        status: { preview: p, staged: { taskCount: ids.length, digest: digestTaskIds(ids) } },
      };
    }
    case 'unloadRecovery':
      await checkedRpc(() => admin.unloadRecovery());
      return { message: a.message };
    case 'snapshot':
      try {
        await admin.snapshot();
      } catch (err) {
        // a new leader refuses until its log writer is elected: polled, since the back-off would overshoot READY
        const wait = storageNotReady(ctx, step, 'log snapshot not written yet', err);
        if (wait) return wait;
        throw err;
      }
      return { message: a.message, status: { [a.stamp]: ctx.fx.now().toISOString() } };
  }
}
