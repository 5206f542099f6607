// The steps' decisions are plain records over the observed world (no fakes), and the executor keeps the commit's
// attempt budget: a spent budget is terminal before anything is sent, a refund for an unlanded commit is counted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RESTORE_LOCK_ANNOTATION } from '../../../src/api/contracts.ts';
import type { AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { lock } from '../../../src/restore/lock-steps.ts';
import { recoverFirst } from '../../../src/restore/offline-steps.ts';
import { performAction } from '../../../src/restore/perform-action.ts';
import { commit } from '../../../src/restore/commit-step.ts';
import type { StepContext } from '../../../src/restore/step.ts';
import { digestTaskIds } from '../../../src/restore/task-digest.ts';
import type { World } from '../../../src/restore/world.ts';
import { makeRestore, pod, runningWorld, situation } from './fixtures.ts';

const leading = pod(1, { lifecycle: 'LEADER_AWAITING_REGISTRATION' });
const stagedWorld = (taskIds: string[]): World =>
  runningWorld({ pods: [pod(0), leading], staged: { kind: 'staged', taskIds, jobKeys: [] } });
const previewed = { leader: 'example-1', staged: { taskCount: 1, digest: digestTaskIds(['t1']) } };

test('Commit before the intent: the intent is checkpointed first, then commitRecovery to the leader, budget 3', () => {
  const action = commit.decide(situation(stagedWorld(['t1']), makeRestore({}, previewed)));
  assert.equal(action, {
    kind: 'checkpoint',
    stamp: 'commitRequestedAt',
    status: { commitAttempts: 0 },
    window: 'intent',
    then: {
      kind: 'rpc',
      call: 'commitRecovery',
      target: { pod: 'example-1', host: leading.podIP, port: 8081, uid: 'pod-1' },
      budget: 3,
      taskCount: 1,
      requireStorage: true,
    },
  });
});

test('Commit after the intent: a different staged snapshot fails, nothing staged waits on the storage poll', () => {
  const intent = { ...previewed, commitRequestedAt: '2024-02-01T00:00:00.000Z', commitAttempts: 1 };
  const mismatch = commit.decide(situation(stagedWorld(['t1', 't2']), makeRestore({}, intent)));
  assert.is(mismatch.kind, 'fail');
  assert.is(mismatch.kind === 'fail' ? mismatch.error.reason : '', 'StagedMismatch');
  const gone = runningWorld({ pods: [pod(0), leading], staged: { kind: 'none' } });
  const waiting = commit.decide(situation(gone, makeRestore({}, intent)));
  assert.is(waiting.kind, 'wait');
  assert.is(waiting.kind === 'wait' ? waiting.pollStorage : false, true);
});

test('Lock: another holder is a wait with no write; a free cluster is one patch pinned to its resourceVersion', () => {
  const held = lock.decide(situation(runningWorld({ lockHolder: 'r0' })));
  assert.equal(held, {
    kind: 'wait',
    message: 'waiting: AuroraRestore r0 holds the cluster; only one restore per cluster runs at a time',
    requeueAfterMs: 5000,
  });
  const world = runningWorld();
  const free = lock.decide(situation(world));
  assert.is(free.kind, 'kube');
  const ops = free.kind === 'kube' ? free.ops : [];
  assert.is(ops.length, 1);
  const patch = ops[0]?.op === 'patch' ? ops[0].patch : {};
  assert.equal(patch, {
    metadata: {
      resourceVersion: world.cluster?.metadata.resourceVersion,
      annotations: { [RESTORE_LOCK_ANNOTATION]: 'r1' },
    },
  });
});

test('Recover: a log-init that keeps failing is a terminal decision, not a write', () => {
  const failing = pod(0, { logInitFailures: { restarts: 3, exitCode: 2 } });
  const action = recoverFirst.decide(
    situation(runningWorld({ pods: [failing] }), makeRestore({ strategy: 'Offline' })),
  );
  assert.is(action.kind, 'fail');
  assert.is(action.kind === 'fail' ? action.error.reason : '', 'RecoveryToolFailed');
});

/** an executor context whose leader records commitRecovery calls and whose storage answers */
function commitCtx(status: Record<string, unknown>, sent: string[], saved: unknown[]): StepContext {
  const admin = {
    getTasksWithoutConfigs: async () => [],
    commitRecovery: async () => void sent.push('commitRecovery'),
  } as unknown as AuroraAdminClient;
  return {
    ...situation(stagedWorld(['t1']), makeRestore({}, { ...previewed, ...status })),
    fx: { admin: () => admin, now: () => new Date('2024-02-01T00:00:00.000Z') },
    saveStatus: async (patch: unknown) => void saved.push(patch),
  } as unknown as StepContext;
}

const commitAction = () => {
  const intent = { ...previewed, commitRequestedAt: '2024-02-01T00:00:00.000Z' };
  return commit.decide(situation(stagedWorld(['t1']), makeRestore({}, intent)));
};

test('the executor: a spent commit budget is terminal before anything is sent', async () => {
  const sent: string[] = [];
  const saved: unknown[] = [];
  const ctx = commitCtx({ commitRequestedAt: 't', commitAttempts: 3 }, sent, saved);
  const err = await performAction(commitAction(), ctx, 'Commit').then(
    () => assert.unreachable('a spent budget must fail'),
    (e: unknown) => e,
  );
  assert.instance(err, TerminalError);
  assert.match(String(err), /reached a leader holding the staged snapshot 3 times/);
  assert.equal(sent, []);
  assert.equal(saved, []);
});

test('the executor: a commit sent to the scheduler still holding the snapshot is refunded, then counted', async () => {
  const sent: string[] = [];
  const saved: unknown[] = [];
  const ctx = commitCtx({ commitRequestedAt: 't', commitAttempts: 3, commitSentTo: 'pod-1' }, sent, saved);
  const out = await performAction(commitAction(), ctx, 'Commit');
  assert.equal(sent, ['commitRecovery']);
  assert.equal(saved, [{ commitAttempts: 3, commitSentTo: undefined }]);
  assert.match(out.message ?? '', /commitRecovery accepted \(1 tasks, attempt 3\)/);
});

test.run();
