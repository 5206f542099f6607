// When the memory reclaim must wait: a restore whose next step lies between stopping the schedulers and putting the
// normal configuration back (in each step table), a cancel or rollback not yet back to normal, and a scaling step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planReclaimBlock } from '../../../src/controller/reclaim-window.ts';
import { describeReclaimBlock } from '../../../src/controller/memory-reclaim-loop.ts';
import type { AuroraRestoreStatus } from '../../../src/api/aurora-restore.ts';
import { CANCEL_STEPS, RELEASE_STEPS } from '../../../src/restore/cancel-steps.ts';
import { OFFLINE_STEPS } from '../../../src/restore/offline-steps.ts';
import { STAGED_STEPS } from '../../../src/restore/staged-steps.ts';

const AT = '2025-01-01T00:00:00.000Z';
const names = (steps: readonly { name: string }[]) => steps.map((s) => s.name);

/** a cached restore (a list item: no apiVersion or kind) whose timeline has these steps finished */
function restore(
  finished: readonly string[],
  status: AuroraRestoreStatus = {},
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): unknown {
  return {
    metadata: { name: 'r', namespace: 'ns', ...metadata },
    spec: { cluster: 'c', backupId: 'scheduler-backup-2025-01-01-00-00', ...spec },
    status: {
      phase: 'Running',
      ...status,
      timeline: [
        ...finished.map((step) => ({ step, startedAt: AT, finishedAt: AT })),
        ...(status.timeline ?? []),
      ],
    },
  };
}

/** the steps at which a restore whose earlier steps all finished blocks the reclaim */
function blockingSteps(steps: readonly string[], make: (finished: readonly string[]) => unknown): string[] {
  return steps.filter((_, i) => planReclaimBlock([make(steps.slice(0, i))], []) !== undefined);
}

test('Staged: blocked from StopSchedulers (when it is next) through RestoreConfiguration, not before or after', () => {
  const steps = names(STAGED_STEPS);
  assert.equal(
    blockingSteps(steps, (done) => restore(done)),
    [
      'StopSchedulers',
      'Configure',
      'StartSchedulers',
      'FindLeader',
      'PlaceBackup',
      'StageRecovery',
      'DeleteTasks',
      'Preview',
      'Approval',
      'Commit',
      'RestoreConfiguration',
    ],
  );
  assert.is(planReclaimBlock([restore(steps, { phase: 'Succeeded' })], []), undefined, 'succeeded');
  assert.is(planReclaimBlock([restore([])], []), undefined, 'not started');
  assert.is(planReclaimBlock([restore([], { phase: 'Pending', timeline: [] })], []), undefined, 'pending');
});

test('a restore that started StopSchedulers, or waits for approval, blocks with its namespace, name and step', () => {
  const steps = names(STAGED_STEPS);
  const before = steps.slice(0, steps.indexOf('StopSchedulers'));
  const started = restore(before, {
    step: 'StopSchedulers',
    timeline: [{ step: 'StopSchedulers', startedAt: AT }],
  });
  assert.equal(planReclaimBlock([started], []), {
    kind: 'restore',
    namespace: 'ns',
    name: 'r',
    step: 'StopSchedulers',
  });
  const waiting = restore(steps.slice(0, steps.indexOf('Approval')), { phase: 'AwaitingApproval' });
  const block = planReclaimBlock([waiting], []);
  assert.ok(block);
  assert.is(describeReclaimBlock(block), 'AuroraRestore ns/r at step Approval');
});

test('Offline: blocked from StopSchedulers through RemoveRestoreConfig, not before or after', () => {
  const steps = names(OFFLINE_STEPS);
  assert.equal(
    blockingSteps(steps, (done) => restore(done, {}, { strategy: 'Offline' })),
    [
      'StopSchedulers',
      'Configure',
      'Recover',
      'CommitPoint',
      'StartQuorum',
      'SnapshotQuorum',
      'StartAll',
      'RemoveRestoreConfig',
    ],
  );
});

test('Cancelling and RollingBack block until the cluster is back in the normal configuration', () => {
  const stopped = names(STAGED_STEPS).slice(0, names(STAGED_STEPS).indexOf('FindLeader'));
  const cancel = names(CANCEL_STEPS);
  const cancelling = (done: readonly string[]) =>
    restore([...stopped, ...done], { phase: 'Cancelling' }, { cancel: true });
  assert.equal(blockingSteps(cancel, cancelling), [
    'CancelUnloadRecovery',
    'CancelConfigureRollback',
    'CancelStopForRollback',
    'CancelStartAsBefore',
    'CancelRemoveRestoreConfig',
  ]);
  const error = { step: 'StageRecovery', message: 'broken' };
  const rollingBack = (done: readonly string[]) =>
    restore([...stopped, ...done], { phase: 'RollingBack', error });
  assert.equal(blockingSteps(cancel, rollingBack), blockingSteps(cancel, cancelling));
  assert.is(planReclaimBlock([cancelling(cancel)], []), undefined, 'every cancel step finished');
});

test('a Failed restore blocks only while its deletion puts the configuration back', () => {
  const committed = {
    phase: 'Failed' as const,
    commitRequestedAt: AT,
    error: { step: 'Commit', message: 'x' },
  };
  const partway = names(STAGED_STEPS).slice(0, names(STAGED_STEPS).indexOf('Commit'));
  assert.is(
    planReclaimBlock([restore(partway, committed)], []),
    undefined,
    'left for a person: nothing runs',
  );
  const deleting = { deletionTimestamp: AT, finalizers: ['x'] };
  const releasing = restore(partway, committed, {}, deleting);
  assert.equal(planReclaimBlock([releasing], [])?.step, 'ReleaseRestoreConfiguration');
  const released = restore([...partway, names(RELEASE_STEPS)[0] ?? ''], committed, {}, deleting);
  assert.is(planReclaimBlock([released], []), undefined);
});

test('an AuroraCluster with status.scaling blocks; one without does not', () => {
  const cluster = (status: Record<string, unknown>) => ({ metadata: { name: 'c', namespace: 'ns' }, status });
  assert.is(planReclaimBlock([], [cluster({ phase: 'Ready' })]), undefined);
  const scaling = cluster({ scaling: { from: 3, to: 5, step: 'AddReplicas' } });
  const block = planReclaimBlock([restore([])], [cluster({}), scaling]);
  assert.equal(block, { kind: 'scaling', namespace: 'ns', name: 'c', step: 'AddReplicas' });
  assert.ok(block);
  assert.is(describeReclaimBlock(block), 'AuroraCluster ns/c scaling (step AddReplicas)');
});

test('every window boundary names a step of its table, so a renamed step cannot silently shrink a window', () => {
  const staged = names(STAGED_STEPS);
  const offline = names(OFFLINE_STEPS);
  for (const name of ['StopSchedulers', 'RestoreConfiguration']) assert.ok(staged.includes(name), name);
  for (const name of ['StopSchedulers', 'RemoveRestoreConfig']) assert.ok(offline.includes(name), name);
  for (const name of ['CancelUnloadRecovery', 'CancelRemoveRestoreConfig'])
    assert.ok(names(CANCEL_STEPS).includes(name), name);
  assert.ok(names(RELEASE_STEPS).includes('ReleaseRestoreConfiguration'));
});

test.run();
