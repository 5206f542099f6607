// Cancelling before commit (and releasing after a failure past commit) over observed fixtures: the world before a
// step chooses it, the world after skips it, re-runs are no-ops, and nothing is undone without our lock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import { CANCEL_STEPS, RELEASE_STEPS } from '../../../src/restore/cancel-steps.ts';
import { choosePlan, nextMove } from '../../../src/restore/plan.ts';
import { CANCEL, OFFLINE, RELEASE, STAGED, tableFor } from '../../../src/restore/tables.ts';
import type { RestoreEffects, RestoreStep } from '../../../src/restore/step.ts';
import type { World, WorldPod } from '../../../src/restore/world.ts';
import { finished, makeRestore, pod, runningWorld, situation, UID } from './fixtures.ts';

function moveAt(
  steps: readonly RestoreStep[],
  step: string,
  world: World,
  status: Record<string, unknown> = {},
) {
  const order = steps.map((s) => s.name);
  const restore = makeRestore(
    { cancel: true },
    { ...finished(...order.slice(0, order.indexOf(step))), ...status },
  );
  return nextMove(steps === RELEASE_STEPS ? RELEASE : CANCEL, situation(world, restore));
}

function assertChooses(step: string, world: World, steps = CANCEL_STEPS) {
  const move = moveAt(steps, step, world);
  assert.is(move.kind, 'run', `${step} runs before its postcondition holds`);
  assert.is(move.kind === 'run' ? move.step.name : '', step);
}

function assertSkips(step: string, world: World, steps = CANCEL_STEPS) {
  const move = moveAt(steps, step, world);
  assert.is(move.kind, 'mark-done', `${step} is only checkpointed once its postcondition holds`);
  assert.is(move.kind === 'mark-done' ? move.step.name : '', step);
}

const sts = (replicas: number, mode: 'normal' | 'recovery' = 'normal') => ({
  exists: true,
  replicas,
  mode,
  synced: true,
  updateRevision: `rev-${mode}`,
});
const locked = (w: Partial<World> = {}) => runningWorld({ lockHolder: 'r1', networkPolicy: true, ...w });
const wiped = (ordinal: number, extra: Partial<WorldPod> = {}) =>
  pod(ordinal, {
    markers: [`${UID}.wipe.done`],
    revision: 'rev-recovery',
    lifecycle: ordinal === 1 ? 'LEADER_AWAITING_REGISTRATION' : 'STORAGE_PREPARED',
    frameworkRegistered: false,
    ...extra,
  });
const rolledBack = (ordinal: number) =>
  pod(ordinal, { markers: [`${UID}.wipe.done`, `${UID}.rollback.done`] });
const staged = { kind: 'staged' as const, taskIds: ['t1'], jobKeys: ['www/prod/a'] };
/** the cluster as a Staged restore left it at the approval gate */
const atApproval = (w: Partial<World> = {}) =>
  locked({
    statefulSet: sts(3, 'recovery'),
    pods: [0, 1, 2].map((i) => wiped(i)),
    restoreConfig: { restoreId: UID, action: 'wipe' },
    staged,
    ...w,
  });

test('cancel or deletion before commit chooses the cancel table; after commit the restore finishes instead', () => {
  assert.is(choosePlan(makeRestore({ cancel: true })).mode, 'cancel');
  assert.is(tableFor(choosePlan(makeRestore({ cancel: true }))), CANCEL);
  const deleting = makeRestore();
  (deleting.metadata as Record<string, unknown>)['deletionTimestamp'] = '2024-02-01T00:00:00Z';
  assert.is(choosePlan(deleting).mode, 'cancel');
  const committed = choosePlan(makeRestore({ cancel: true }, { commitRequestedAt: 't' }));
  assert.is(committed.mode, 'restore');
  assert.is(tableFor(committed), STAGED);
  assert.is(tableFor(choosePlan(makeRestore({ cancel: true, strategy: 'Offline' }))), CANCEL);
  assert.is(tableFor(choosePlan(makeRestore({ strategy: 'Offline' }))), OFFLINE);
  assert.is(choosePlan(makeRestore({ cancel: true }, { phase: 'Cancelled' })).mode, 'finished');
});

test('a failed restore waits; deleting it after commit runs the release steps', () => {
  assert.is(choosePlan(makeRestore({}, { phase: 'Failed' })).mode, 'failed');
  const deleting = makeRestore({}, { phase: 'Failed', commitRequestedAt: 't' });
  (deleting.metadata as Record<string, unknown>)['deletionTimestamp'] = '2024-02-01T00:00:00Z';
  const plan = choosePlan(deleting);
  assert.is(plan.mode, 'release');
  assert.equal(
    tableFor(plan)?.steps.map((s) => s.name),
    ['ReleaseRestoreConfiguration', 'ReleaseUnblockTraffic', 'ReleaseUnlock'],
  );
});

test('the cancel steps in order', () => {
  assert.equal(
    CANCEL_STEPS.map((s) => s.name),
    [
      'CancelUnloadRecovery',
      'CancelConfigureRollback',
      'CancelStopForRollback',
      'CancelStartAsBefore',
      'CancelRemoveRestoreConfig',
      'CancelUnblockTraffic',
      'CancelUnlock',
    ],
  );
});

test('without our lock nothing is undone: every cancel and release step is only checkpointed', () => {
  for (const holder of [undefined, 'another-restore']) {
    const w = atApproval({ ...(holder ? { lockHolder: holder } : {}) });
    if (!holder) delete w.lockHolder;
    for (const step of CANCEL_STEPS) assertSkips(step.name, w);
    for (const step of RELEASE_STEPS) assertSkips(step.name, w, RELEASE_STEPS);
  }
  const restore = makeRestore({ cancel: true }, finished(...CANCEL_STEPS.map((s) => s.name)));
  assert.equal(nextMove(CANCEL, situation(runningWorld(), restore)), { kind: 'complete' });
});

test('UnloadRecovery while the leader holds a staged recovery', () => {
  assertChooses('CancelUnloadRecovery', atApproval());
  assertSkips('CancelUnloadRecovery', atApproval({ staged: { kind: 'none' } }));
  assertSkips('CancelUnloadRecovery', atApproval({ staged: { kind: 'unknown', reason: 'no leader' } }));
  assertSkips('CancelUnloadRecovery', locked());
});

test('ConfigureRollback: our ConfigMap says rollback, or there is none to change', () => {
  assertChooses('CancelConfigureRollback', atApproval({ staged: { kind: 'none' } }));
  assertChooses(
    'CancelConfigureRollback',
    atApproval({ restoreConfig: { restoreId: UID, action: 'wipe-and-recover' } }),
  );
  assertSkips(
    'CancelConfigureRollback',
    atApproval({ restoreConfig: { restoreId: UID, action: 'rollback' } }),
  );
  assertSkips('CancelConfigureRollback', locked());
  assertSkips(
    'CancelConfigureRollback',
    atApproval({ restoreConfig: { restoreId: 'someone-else', action: 'wipe' } }),
  );
});

test('StopForRollback: stop only when recovery mode or a wiped replica must get its log back', () => {
  const rollback = { restoreId: UID, action: 'rollback' };
  assertChooses('CancelStopForRollback', atApproval({ restoreConfig: rollback }));
  // normal mode, but a replica was wiped and has no rollback marker yet
  assertChooses(
    'CancelStopForRollback',
    locked({ restoreConfig: rollback, pods: [pod(0), pod(1), wiped(2, { revision: 'rev-normal' })] }),
  );
  assertSkips(
    'CancelStopForRollback',
    atApproval({ restoreConfig: rollback, statefulSet: sts(0, 'recovery'), pods: [] }),
  );
  // cancelled before anything was wiped (e.g. right after Lock): the schedulers keep running
  assertSkips('CancelStopForRollback', locked());
  assertSkips('CancelStopForRollback', locked({ pods: [0, 1, 2].map(rolledBack) }));
});

test('StartAsBefore: normal configuration, every replica running, every wiped one rolled back', () => {
  const rollback = { restoreId: UID, action: 'rollback' };
  assertChooses(
    'CancelStartAsBefore',
    locked({ restoreConfig: rollback, statefulSet: sts(0, 'recovery'), pods: [] }),
  );
  assertChooses('CancelStartAsBefore', locked({ restoreConfig: rollback, statefulSet: sts(0), pods: [] }));
  assertChooses(
    'CancelStartAsBefore',
    locked({
      restoreConfig: rollback,
      pods: [rolledBack(0), rolledBack(1), wiped(2, { revision: 'rev-normal' })],
    }),
  );
  assertChooses(
    'CancelStartAsBefore',
    locked({ restoreConfig: rollback, pods: [rolledBack(0), rolledBack(1)] }),
  );
  assertSkips('CancelStartAsBefore', locked({ restoreConfig: rollback, pods: [0, 1, 2].map(rolledBack) }));
  assertSkips('CancelStartAsBefore', locked());
});

test('RemoveRestoreConfig, UnblockTraffic and Unlock put the cluster back in the hands of its reconciler', () => {
  const pods = [0, 1, 2].map(rolledBack);
  assertChooses(
    'CancelRemoveRestoreConfig',
    locked({ pods, restoreConfig: { restoreId: UID, action: 'rollback' } }),
  );
  assertSkips('CancelRemoveRestoreConfig', locked({ pods }));
  assertSkips(
    'CancelRemoveRestoreConfig',
    locked({ pods, restoreConfig: { restoreId: 'other', action: 'wipe' } }),
  );
  assertChooses('CancelUnblockTraffic', locked({ pods }));
  assertSkips('CancelUnblockTraffic', locked({ pods, networkPolicy: false }));
  assertChooses('CancelUnlock', locked({ pods, networkPolicy: false }));
  assertSkips('CancelUnlock', runningWorld({ pods }));
});

test('release after a failure past commit: normal configuration back, unblock, unlock', () => {
  const committed = { restoreId: UID, action: 'wipe' };
  assertChooses('ReleaseRestoreConfiguration', atApproval({ staged: { kind: 'none' } }), RELEASE_STEPS);
  assertChooses('ReleaseRestoreConfiguration', locked({ restoreConfig: committed }), RELEASE_STEPS);
  assertChooses(
    'ReleaseRestoreConfiguration',
    locked({ pods: [pod(0), pod(1), pod(2, { revision: 'rev-recovery' })] }),
    RELEASE_STEPS,
  );
  assertSkips('ReleaseRestoreConfiguration', locked(), RELEASE_STEPS);
  assertChooses('ReleaseUnblockTraffic', locked(), RELEASE_STEPS);
  assertSkips('ReleaseUnblockTraffic', locked({ networkPolicy: false }), RELEASE_STEPS);
  assertChooses('ReleaseUnlock', locked({ networkPolicy: false }), RELEASE_STEPS);
  assertSkips('ReleaseUnlock', runningWorld(), RELEASE_STEPS);
});

test('killed after each action, the re-run only checkpoints that step and moves on to the next', () => {
  const rollback = { restoreId: UID, action: 'rollback' };
  const back = [0, 1, 2].map(rolledBack);
  // the world right after each step's action, before its checkpoint was written
  const after: Array<[string, World]> = [
    ['CancelUnloadRecovery', atApproval({ staged: { kind: 'none' } })],
    ['CancelConfigureRollback', atApproval({ staged: { kind: 'none' }, restoreConfig: rollback })],
    ['CancelStopForRollback', locked({ restoreConfig: rollback, statefulSet: sts(0, 'recovery'), pods: [] })],
    ['CancelStartAsBefore', locked({ restoreConfig: rollback, pods: back })],
    ['CancelRemoveRestoreConfig', locked({ pods: back })],
    ['CancelUnblockTraffic', locked({ pods: back, networkPolicy: false })],
    ['CancelUnlock', runningWorld({ pods: back })],
  ];
  const names = CANCEL_STEPS.map((s) => s.name);
  for (const [i, [step, world]] of after.entries()) {
    assertSkips(step, world);
    const restore = makeRestore({ cancel: true }, finished(...names.slice(0, i + 1)));
    const next = nextMove(CANCEL, situation(world, restore));
    if (i + 1 < names.length) {
      assert.is(next.kind, 'run', `after ${step}`);
      assert.is(next.kind === 'run' ? next.step.name : '', names[i + 1]);
    } else {
      assert.equal(next, { kind: 'complete' });
      assert.equal(nextMove(CANCEL, situation(world, restore)), { kind: 'complete' });
    }
  }
});

test('StopForRollback does not conclude from a pod whose agent does not answer that nothing was wiped', () => {
  const { markers: _unknown, ...silent } = pod(0);
  const cfg = { restoreConfig: { restoreId: UID, action: 'rollback' } };
  assertChooses('CancelStopForRollback', locked({ statefulSet: sts(1), pods: [silent], ...cfg }));
  assertSkips(
    'CancelStopForRollback',
    locked({ statefulSet: sts(1), pods: [pod(0, { markers: [] })], ...cfg }),
  );
});

test('StartAsBefore restarts a pod that was wiped after the stop, so its init container rolls the log back', async () => {
  const deleted: Array<{ name: string; uid?: string | undefined }> = [];
  const fx = {
    kube: {
      apply: async () => undefined,
      delete: async (ref: { name: string }, o?: { uid?: string }) => {
        deleted.push({ name: ref.name, uid: o?.uid });
        return true;
      },
    },
    now: () => new Date(),
  } as unknown as RestoreEffects;
  const late = pod(0, { markers: [`${UID}.wipe-and-recover.done`] });
  const world = locked({
    statefulSet: sts(3),
    pods: [
      late,
      pod(1, { markers: [`${UID}.rollback.done`] }),
      pod(2, { markers: [`${UID}.rollback.done`] }),
    ],
    restoreConfig: { restoreId: UID, action: 'rollback' },
  });
  assertChooses('CancelStartAsBefore', world);
  const step = CANCEL_STEPS.find((x) => x.name === 'CancelStartAsBefore');
  if (!step) throw new Error('no step CancelStartAsBefore');
  const out = await performStep(step, {
    ...situation(world, makeRestore({ cancel: true })),
    fx,
    saveStatus: async () => undefined,
  });
  assert.match(out.message ?? '', /restarting example-0/);
  assert.equal(deleted, [{ name: 'example-0', uid: late.uid }]);
});

test.run();
