// One pass, several steps: the status write that carries the steps a pass found finished is stored before the next
// action (that action may end what proved them); a step settled by its own record, or whose writes a GET reads
// back, hands the pass on to the next step; and the pass that adds the finalizer goes on to the first step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RESTORE_FINALIZER } from '../../../src/api/contracts.ts';
import type { AuroraRestore, AuroraRestoreStatus } from '../../../src/api/aurora-restore.ts';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { runStep } from '../../../src/restore/restore-executor.ts';
import type { RestoreEffects, RestoreStep } from '../../../src/restore/step.ts';
import { blockTraffic } from '../../../src/restore/traffic-steps.ts';
import type { World } from '../../../src/restore/world.ts';
import { makeRestore, runningWorld } from './fixtures.ts';
import { stagedWorld } from './staged-world.ts';

const tick = () => new Promise((r) => setImmediate(r));

const applying: RestoreStep = {
  name: 'StopSchedulers',
  done: () => false,
  decide: () => ({
    kind: 'kube',
    ops: [{ op: 'apply', object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' } } }],
    message: 'stopping',
  }),
};

function depsWith(kube: unknown, reread?: (r: AuroraRestore, w: World) => Promise<World>) {
  return {
    fx: {
      kube,
      now: () => new Date('2024-02-01T00:00:00Z'),
      operatorPeer: { namespace: 'aurora', matchLabels: { app: 'aurora-operator' } },
    } as unknown as RestoreEffects,
    activeRequeueMs: 1000,
    reread,
  };
}

test('the write that carries the finished steps is stored before the action, and a failed one stops it', async () => {
  const log: string[] = [];
  let release: (() => void) | undefined;
  let refuse: ((err: Error) => void) | undefined;
  const kube = {
    applyStatus: (_ref: unknown, status: AuroraRestoreStatus) =>
      new Promise<void>((resolve, reject) => {
        log.push(`status ${status.step ?? '-'}`);
        release = resolve;
        refuse = reject;
      }),
    apply: async (o: { kind: string }) => void log.push(`apply ${o.kind}`),
  };
  // the restore as this pass holds it: PlaceBackup found finished, not stored yet
  const finished: AuroraRestoreStatus = {
    timeline: [
      { step: 'PlaceBackup', startedAt: '2024-02-01T00:00:00Z', finishedAt: '2024-02-01T00:00:00Z' },
    ],
  };
  const how = { mode: 'restore' as const, stored: {} };
  const pass = runStep(depsWith(kube), makeRestore({}, finished), runningWorld(), applying, how);
  await tick();
  assert.equal(log, ['status StopSchedulers'], 'nothing is applied while the checkpoint is in flight');
  release?.();
  await tick();
  assert.equal(log.slice(0, 2), ['status StopSchedulers', 'apply StatefulSet']);
  release?.();
  await pass;

  log.length = 0;
  const refused = runStep(depsWith(kube), makeRestore({}, finished), runningWorld(), applying, how).then(
    () => 'resolved',
    (err: unknown) => String(err),
  );
  await tick();
  refuse?.(new Error('HTTP 500'));
  assert.match(await refused, /HTTP 500/);
  assert.equal(log, ['status StopSchedulers'], 'the StatefulSet is not touched without the checkpoint');
});

test('a write read back at once hands the pass on only when the read shows it done', async () => {
  const kube = { applyStatus: async () => undefined, apply: async () => undefined };
  const blocking = makeRestore({ blockClientTraffic: true }, {});
  const how = { mode: 'restore' as const };
  const reads: boolean[] = [];
  const shows = (networkPolicy: boolean) => async (_r: AuroraRestore, w: World) => {
    reads.push(networkPolicy);
    return { ...w, networkPolicy };
  };
  const handed = await runStep(depsWith(kube, shows(true)), blocking, runningWorld(), blockTraffic, how);
  assert.is(handed.requeueAfterMs, 0);
  assert.is(handed.goOn?.world.networkPolicy, true, 'the next step sees the NetworkPolicy read back');
  assert.is(handed.goOn?.status.step, 'BlockTraffic');
  const notYet = await runStep(depsWith(kube, shows(false)), blocking, runningWorld(), blockTraffic, how);
  assert.is(notYet.goOn, undefined, 'not shown: the next pass observes afresh');
  assert.is(notYet.requeueAfterMs, 0);
  const failing = async () => Promise.reject(new Error('GET networkpolicies: HTTP 500'));
  const unread = await runStep(depsWith(kube, failing), blocking, runningWorld(), blockTraffic, how);
  assert.is(unread.goOn, undefined, 'a failed read back is no fault of the step');
  assert.is(unread.requeueAfterMs, 0);
  assert.equal(reads, [true, false]);
});

test('the pass that adds the finalizer goes on through the steps its records settle to the first write', async () => {
  const world = stagedWorld();
  const finalizers = (r: { metadata: object }) => (r.metadata as { finalizers?: string[] }).finalizers ?? [];
  assert.not.ok(finalizers(world.restore()).includes(RESTORE_FINALIZER));
  await reconcileAuroraRestore(`${world.namespace}/r1`, world.deps());
  const after = world.restore();
  assert.ok(finalizers(after).includes(RESTORE_FINALIZER), 'the finalizer is stored');
  const finished = (after.status?.timeline ?? []).filter((t) => t.finishedAt).map((t) => t.step);
  assert.equal(finished, ['Validate', 'Impact'], 'Validate and Impact ran and were checkpointed');
  assert.is(after.status?.step, 'Lock', 'the same pass ran Lock');
  assert.is(world.summary().lock, 'r1', "and Lock's write reached the cluster");
});

test.run();
