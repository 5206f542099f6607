// Each Offline step over observed fixtures: the world before it chooses it, the world after skips it, re-runs are no-ops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import { choosePlan, nextMove } from '../../../src/restore/plan.ts';
import { OFFLINE as OFFLINE_TABLE, tableFor } from '../../../src/restore/tables.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { OFFLINE_STEPS, recoverFirst, snapshotQuorum } from '../../../src/restore/offline-steps.ts';
import type { RestoreEffects } from '../../../src/restore/step.ts';
import type { World, WorldPod } from '../../../src/restore/world.ts';
import { BACKUP, finished, makeRestore, pod, runningWorld, situation, UID } from './fixtures.ts';

const ORDER = OFFLINE_STEPS.map((s) => s.name);
const before = (step: string) => ORDER.slice(0, ORDER.indexOf(step));
const OFFLINE = { strategy: 'Offline' };

function moveAt(step: string, world: World, extra: Record<string, unknown> = {}, spec = {}) {
  const restore = makeRestore({ ...OFFLINE, ...spec }, { ...finished(...before(step)), ...extra });
  return nextMove(OFFLINE_TABLE, situation(world, restore));
}

function assertChooses(step: string, world: World, extra = {}, spec = {}) {
  const move = moveAt(step, world, extra, spec);
  assert.is(move.kind, 'run', `${step} runs before its postcondition holds`);
  assert.is(move.kind === 'run' ? move.step.name : '', step);
}

function assertSkips(step: string, world: World, extra = {}, spec = {}) {
  const move = moveAt(step, world, extra, spec);
  assert.is(move.kind, 'mark-done', `${step} is only checkpointed once its postcondition holds`);
  assert.is(move.kind === 'mark-done' ? move.step.name : '', step);
}

const locked = (w: Partial<World> = {}) => runningWorld({ lockHolder: 'r1', networkPolicy: true, ...w });
const sts = (replicas: number, mode: 'normal' | 'recovery' = 'normal') => ({
  exists: true,
  replicas,
  mode,
  synced: true,
  updateRevision: 'rev-normal',
});
const ourConfig = { restoreId: UID, action: 'wipe-and-recover' };
const recovered = (ordinal: number, extra: Partial<WorldPod> = {}) =>
  pod(ordinal, { markers: [`${UID}.wipe-and-recover.done`], logRecovered: true, ...extra });
const committed = { source: { pod: 'example-0' }, commitRequestedAt: '2024-01-31T23:10:00.000Z' };
const TAKEN = '2024-01-31T23:00:10.000Z';
const withBackup = (ordinal: number, mtime = TAKEN) =>
  pod(ordinal, { backups: [{ name: BACKUP, size: 1, mtime }] });
const fromTwo = { source: { pod: 'example-2', size: 1, takenAt: TAKEN } };

test('the Offline strategy uses the Offline table, in the documented order', () => {
  const plan = choosePlan(makeRestore(OFFLINE));
  assert.is(plan.mode, 'restore');
  assert.is(tableFor(plan), OFFLINE_TABLE);
  assert.is(OFFLINE_TABLE.steps, OFFLINE_STEPS);
  assert.equal(ORDER, [
    'Validate',
    'Impact',
    'Lock',
    'BlockTraffic',
    'PlaceBackup',
    'StopSchedulers',
    'Configure',
    'Recover',
    'CommitPoint',
    'StartQuorum',
    'SnapshotQuorum',
    'StartAll',
    'RemoveRestoreConfig',
    'UnblockTraffic',
    'WaitReady',
    'MarkSucceeded',
    'Unlock',
  ]);
});

test('Validate, Lock and BlockTraffic as in the Staged procedure', () => {
  assertChooses('Validate', runningWorld());
  assertSkips('Validate', runningWorld(), fromTwo);
  assertChooses('Lock', runningWorld(), fromTwo);
  assertChooses('Lock', runningWorld({ lockHolder: 'another-restore' }), fromTwo);
  // holding the lock is not enough: the cluster controller must have acknowledged it
  assertChooses('Lock', runningWorld({ lockHolder: 'r1' }), fromTwo);
  assertChooses('Lock', runningWorld({ lockHolder: 'r1', lockAcknowledged: 'older' }), fromTwo);
  assertSkips('Lock', runningWorld({ lockHolder: 'r1', lockAcknowledged: 'r1' }), fromTwo);
  assertChooses('BlockTraffic', locked({ networkPolicy: false }), fromTwo);
  assertSkips('BlockTraffic', locked(), fromTwo);
  assertSkips('BlockTraffic', locked({ networkPolicy: false }), fromTwo, { blockClientTraffic: false });
});

test('PlaceBackup: the backup must be on ordinal 0, which runs recovery-tool', () => {
  assertChooses('PlaceBackup', locked(), fromTwo);
  assertChooses('PlaceBackup', locked({ pods: [pod(0), pod(1), withBackup(2)] }), fromTwo);
  assertSkips('PlaceBackup', locked({ pods: [withBackup(0), pod(1), withBackup(2)] }), fromTwo);
  // an older file with the same minute-based name is not the validated backup
  const older = withBackup(0, '2024-01-31T23:00:02.000Z');
  assertChooses('PlaceBackup', locked({ pods: [older, pod(1), withBackup(2)] }), fromTwo);
  assertSkips('PlaceBackup', locked(), { source: { pod: 'example-0' } }, {});
  // a copy on a pod that is going away does not count
  const leaving = { ...withBackup(0), deleting: true };
  assertChooses('PlaceBackup', locked({ pods: [leaving, pod(1), withBackup(2)] }), fromTwo);
});

test('StopSchedulers waits until replicas 0 and no pod is left', () => {
  const s = { source: { pod: 'example-0' } };
  assertChooses('StopSchedulers', locked(), s);
  assertChooses('StopSchedulers', locked({ statefulSet: sts(0), pods: [pod(1, { deleting: true })] }), s);
  assertSkips('StopSchedulers', locked({ statefulSet: sts(0), pods: [] }), s);
});

test('Configure: our ConfigMap says wipe-and-recover and the StatefulSet is normal with 0 replicas', () => {
  const s = { source: { pod: 'example-0' } };
  const stopped = (w: Partial<World> = {}) => locked({ statefulSet: sts(0), pods: [], ...w });
  assertChooses('Configure', stopped(), s);
  assertChooses(
    'Configure',
    stopped({ restoreConfig: { restoreId: 'older', action: 'wipe-and-recover' } }),
    s,
  );
  assertChooses('Configure', stopped({ restoreConfig: { restoreId: UID, action: 'wipe' } }), s);
  assertChooses('Configure', stopped({ restoreConfig: ourConfig, statefulSet: sts(0, 'recovery') }), s);
  assertChooses(
    'Configure',
    stopped({ restoreConfig: ourConfig, statefulSet: { ...sts(0), synced: false } }),
    s,
  );
  assertSkips('Configure', stopped({ restoreConfig: ourConfig }), s);
});

test('Recover: recovery-tool runs on ordinal 0 alone, with no other scheduler pod left', () => {
  const s = { source: { pod: 'example-0' } };
  const w = (replicas: number, pods: WorldPod[]) =>
    locked({ statefulSet: sts(replicas), pods, restoreConfig: ourConfig });
  assertChooses('Recover', w(0, []), s);
  assertChooses('Recover', w(1, [pod(0, { markers: [] })]), s);
  assertSkips('Recover', w(1, [recovered(0, { logRecovered: false })]), s);
});

test('Recover: a pod left over from before is stopped first; a failing recovery-tool fails the step', async () => {
  const s = { source: { pod: 'example-0' } };
  const applied: unknown[] = [];
  const fx = {
    kube: { apply: async (o: unknown) => applied.push(o) },
    now: () => new Date(),
  } as unknown as RestoreEffects;
  const stepCtx = (pods: WorldPod[]) => ({
    ...situation(
      locked({ statefulSet: sts(1), pods, restoreConfig: ourConfig }),
      makeRestore(OFFLINE, { ...finished(...before('Recover')), ...s }),
    ),
    fx,
    saveStatus: async () => undefined,
  });
  const out = await performStep(recoverFirst, stepCtx([pod(0, { markers: [] }), pod(1, { markers: [] })]));
  assert.match(out.message ?? '', /example-1 to stop before recovery-tool runs/);
  assert.is((applied.at(-1) as { spec: { replicas: number } }).spec.replicas, 0);
  await performStep(recoverFirst, stepCtx([pod(0, { markers: [] })]));
  assert.is((applied.at(-1) as { spec: { replicas: number } }).spec.replicas, 1);
  const failing = pod(0, { markers: [], logInitFailures: { restarts: 3, exitCode: 1 } });
  const err = await performStep(recoverFirst, stepCtx([failing])).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, TerminalError);
  assert.match(String(err), /failed 3 times/);
});

test('CommitPoint: recorded before any scheduler runs on the restored log; cancelling is refused after it', () => {
  const s = { source: { pod: 'example-0' } };
  const w = locked({ statefulSet: sts(1), pods: [recovered(0)], restoreConfig: ourConfig });
  assertChooses('CommitPoint', w, s);
  assertSkips('CommitPoint', w, committed);
  const cancelledBefore = makeRestore(
    { ...OFFLINE, cancel: true },
    { ...finished(...before('CommitPoint')), ...s },
  );
  assert.is(choosePlan(cancelledBefore).mode, 'cancel');
  const cancelledAfter = makeRestore(
    { ...OFFLINE, cancel: true },
    { ...finished(...before('StartQuorum')), ...committed },
  );
  assert.is(choosePlan(cancelledAfter).mode, 'restore');
});

test('StartQuorum: a quorum (2 of 3) running with markers and a recovered log before the rest may start', () => {
  const s = committed;
  const w = (replicas: number, pods: WorldPod[]) =>
    locked({ statefulSet: sts(replicas), pods, restoreConfig: ourConfig });
  assertChooses('StartQuorum', w(1, [recovered(0)]), s);
  assertChooses('StartQuorum', w(2, [recovered(0)]), s);
  assertChooses('StartQuorum', w(2, [recovered(0), pod(1, { markers: [] })]), s);
  // the agent of example-1 does not answer, so its markers are unknown
  const { markers: _unknown, ...silent } = recovered(1);
  assertChooses('StartQuorum', w(2, [recovered(0), silent]), s);
  assertChooses('StartQuorum', w(2, [recovered(0), recovered(1, { phase: 'Pending' })]), s);
  assertChooses('StartQuorum', w(2, [recovered(0), pod(1, { markers: ['older.wipe-and-recover.done'] })]), s);
  // running but the quorum's log is not recovered yet: starting more now could let empty replicas outvote it
  assertChooses('StartQuorum', w(2, [recovered(0), recovered(1, { logRecovered: false })]), s);
  assertSkips('StartQuorum', w(2, [recovered(0), recovered(1)]), s);
});

test('StartAll: every replica running with its marker', () => {
  const s = committed;
  const w = (replicas: number, pods: WorldPod[]) =>
    locked({ statefulSet: sts(replicas), pods, restoreConfig: ourConfig });
  assertChooses('StartAll', w(2, [recovered(0), recovered(1)]), s);
  assertChooses('StartAll', w(3, [recovered(0), recovered(1), pod(2, { phase: 'Pending' })]), s);
  assertSkips('StartAll', w(3, [recovered(0), recovered(1), recovered(2)]), s);
});

test('RemoveRestoreConfig, UnblockTraffic, WaitReady and Unlock', () => {
  const s = { source: { pod: 'example-0' } };
  const all = [recovered(0), recovered(1), recovered(2)];
  assertChooses('RemoveRestoreConfig', locked({ pods: all, restoreConfig: ourConfig }), s);
  assertSkips('RemoveRestoreConfig', locked({ pods: all }), s);
  assertChooses('UnblockTraffic', locked({ pods: all }), s);
  assertSkips('UnblockTraffic', locked({ pods: all, networkPolicy: false }), s);
  const open = (w: Partial<World> = {}) => locked({ pods: all, networkPolicy: false, ...w });
  assertChooses('WaitReady', open({ clusterReady: false }), s);
  assertChooses('WaitReady', open({ pods: all.map((p) => ({ ...p, frameworkRegistered: false })) }), s);
  assertChooses('WaitReady', open({ pods: all.map((p) => ({ ...p, frameworkRegistered: true })) }), s);
  assertChooses('WaitReady', open({ pods: [all[0] as WorldPod, all[1] as WorldPod] }), s);
  assertSkips('WaitReady', open(), s);
  assertChooses('Unlock', open(), s);
  assertSkips('Unlock', runningWorld(), s);
});

test('MarkSucceeded: each replica marked succeeded through its agent, then Unlock', () => {
  const s = committed;
  const done = (i: number) => recovered(i, { markers: [`${UID}.wipe-and-recover.done`, `${UID}.succeeded`] });
  const open = (pods: WorldPod[]) => locked({ pods, networkPolicy: false });
  assertChooses('MarkSucceeded', open([recovered(0), recovered(1), recovered(2)]), s);
  assertChooses('MarkSucceeded', open([done(0), done(1), recovered(2)]), s);
  assertChooses('MarkSucceeded', open([done(0), done(1)]), s);
  assertSkips('MarkSucceeded', open([done(0), done(1), done(2)]), s);
  assertChooses('Unlock', open([done(0), done(1), done(2)]), s);
});

test('a step whose world is already done is only checkpointed: killed after an action, the re-run is a no-op', () => {
  // the operator died after Configure acted but before its checkpoint: the next pass must not act again
  const s = { source: { pod: 'example-0' } };
  const w = locked({ statefulSet: sts(0), pods: [], restoreConfig: ourConfig });
  const move = moveAt('Configure', w, s);
  assert.is(move.kind, 'mark-done');
  assert.is(move.kind === 'mark-done' ? move.step.name : '', 'Configure');
});

test('every step checkpointed: the restore is complete; Offline never rewinds', () => {
  const restore = makeRestore(OFFLINE, finished(...ORDER));
  assert.equal(nextMove(OFFLINE_TABLE, situation(runningWorld(), restore)), { kind: 'complete' });
  // a recorded leader that is gone means nothing to the Offline procedure
  const status = { ...finished(...before('StartQuorum')), leader: 'example-1', ...committed };
  const move = nextMove(
    OFFLINE_TABLE,
    situation(
      locked({ statefulSet: sts(0), pods: [], restoreConfig: ourConfig }),
      makeRestore(OFFLINE, status),
    ),
  );
  assert.is(move.kind, 'run');
  assert.is(move.kind === 'run' ? move.step.name : '', 'StartQuorum');
});

test('SnapshotQuorum: the restored state is written to the quorum by a leader before the rest start', async () => {
  const s = committed;
  const w = locked({ statefulSet: sts(2), pods: [recovered(0), recovered(1)], restoreConfig: ourConfig });
  assertChooses('SnapshotQuorum', w, s);
  assertSkips('SnapshotQuorum', w, { ...s, logSnapshotAt: '2024-01-31T23:12:00.000Z' });
  const calls: string[] = [];
  const fx = {
    admin: (ip: string) => ({ snapshot: async () => void calls.push(ip) }),
    now: () => new Date('2024-01-31T23:12:00.000Z'),
  } as unknown as RestoreEffects;
  const ctx = (pods: WorldPod[]) => ({
    ...situation(locked({ statefulSet: sts(2), pods, restoreConfig: ourConfig }), makeRestore(OFFLINE, s)),
    fx,
    saveStatus: async () => undefined,
  });
  const follower = (o: number) => recovered(o, { lifecycle: 'STORAGE_PREPARED' });
  const waiting = await performStep(snapshotQuorum, ctx([follower(0), follower(1)]));
  assert.match(waiting.message ?? '', /waiting for a leader/);
  assert.is(calls.length, 0);
  const leading = recovered(1, { lifecycle: 'ACTIVE' });
  const out = await performStep(snapshotQuorum, ctx([follower(0), leading]));
  assert.equal(calls, [leading.podIP]);
  assert.is(out.status?.logSnapshotAt, '2024-01-31T23:12:00.000Z');
});

test.run();
