// A pass's writes: the step's "running" mark goes out beside its action rather than before it, status writes land
// in order, a failed one is made good by the next, no pass returns before its writes landed, and the first pass
// that adds the finalizer goes on to the first step instead of ending there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RESTORE_FINALIZER } from '../../../src/api/contracts.ts';
import type { AuroraRestoreStatus } from '../../../src/api/aurora-restore.ts';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { runStep } from '../../../src/restore/restore-executor.ts';
import type { RestoreEffects, RestoreStep } from '../../../src/restore/step.ts';
import { makeRestore, runningWorld } from './fixtures.ts';
import { stagedWorld } from './staged-world.ts';

interface Held {
  status: AuroraRestoreStatus;
  release(): void;
  fail(err: Error): void;
}

/** holdingKube: every status write waits until the test releases it; `log` records what happened in which order. */
function holdingKube(log: string[]) {
  const held: Held[] = [];
  const kube = {
    applyStatus: (_ref: unknown, status: AuroraRestoreStatus) =>
      new Promise<void>((resolve, reject) => {
        log.push(`status ${status.timeline?.at(-1)?.message ?? '-'} sent`);
        held.push({
          status,
          release: () => {
            log.push(`status ${status.timeline?.at(-1)?.message ?? '-'} stored`);
            resolve();
          },
          fail: reject,
        });
      }),
    apply: async (o: { kind: string }) => void log.push(`apply ${o.kind}`),
  };
  return { kube, held };
}

const tick = () => new Promise((r) => setImmediate(r));

const applying: RestoreStep = {
  name: 'Configure',
  done: () => false,
  decide: () => ({
    kind: 'kube',
    ops: [{ op: 'apply', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
    message: 'applied',
  }),
};

function depsWith(kube: unknown) {
  return {
    fx: { kube, now: () => new Date('2024-02-01T00:00:00Z') } as unknown as RestoreEffects,
    activeRequeueMs: 1000,
  };
}

test('the action does not wait for the running mark, and the pass ends only when both writes are stored in order', async () => {
  const log: string[] = [];
  const { kube, held } = holdingKube(log);
  let ended = false;
  const pass = runStep(depsWith(kube), makeRestore({}, {}), runningWorld(), applying, {
    mode: 'restore',
  }).then((r) => {
    ended = true;
    return r;
  });
  await tick();
  assert.equal(log, ['status - sent', 'apply ConfigMap'], 'the action went out while the mark was in flight');
  assert.is(held.length, 1, 'the progress write waits for the mark');
  held[0]!.release();
  await tick();
  assert.is(held.length, 2);
  assert.is(held[1]!.status.timeline?.at(-1)?.message, 'applied');
  assert.is(ended, false, 'the pass is not over while its last write is in flight');
  held[1]!.release();
  await pass;
  assert.equal(log, [
    'status - sent',
    'apply ConfigMap',
    'status - stored',
    'status applied sent',
    'status applied stored',
  ]);
  assert.is(held[1]!.status.step, 'Configure', 'the last write carries the running mark too');
  assert.ok(held[1]!.status.timeline?.at(-1)?.startedAt);
});

test('a running mark that failed is made good by the next write, even one that changes nothing else', async () => {
  const log: string[] = [];
  const { kube, held } = holdingKube(log);
  // the action's outcome repeats the step's last message, so its write alone would change nothing
  const before = makeRestore({}, {});
  const first = runStep(depsWith(kube), before, runningWorld(), applying, { mode: 'restore' });
  first.catch(() => undefined);
  await tick();
  held[0]!.fail(new Error('HTTP 500'));
  await tick();
  held[1]!.release();
  await first;
  const repeat = { ...applying, decide: () => ({ kind: 'wait' as const, message: 'applied' }) };
  const again = makeRestore({}, held[1]!.status);
  const second = runStep(depsWith(kube), again, runningWorld(), repeat, { mode: 'restore' });
  await tick();
  assert.is(held.length, 2, 'an unchanged status is not written again');
  await second;
  const third = runStep(depsWith(kube), again, runningWorld(), repeat, {
    mode: 'restore',
    stored: makeRestore({}, {}).status ?? {},
  });
  await tick();
  // the stored status lacks the mark: the mark write fails, and the next one, equal to it, is sent all the same
  held[2]!.fail(new Error('HTTP 500'));
  await tick();
  assert.is(held.length, 4, 'the write after the failed one is sent although it changes nothing more');
  held[3]!.release();
  await third;
});

test('a pass whose running mark fails and whose action fails throws, after its retry record is stored', async () => {
  const log: string[] = [];
  const { kube, held } = holdingKube(log);
  const failing: RestoreStep = { ...applying, decide: () => ({ kind: 'retry', reason: 'agent refused' }) };
  const pass = runStep(depsWith(kube), makeRestore({}, {}), runningWorld(), failing, { mode: 'restore' });
  let error: unknown;
  pass.catch((err: unknown) => (error = err));
  await tick();
  held[0]!.fail(new Error('HTTP 500'));
  await tick();
  assert.is(held.length, 2, 'the retry record goes out');
  assert.match(held[1]!.status.timeline?.at(-1)?.message ?? '', /agent refused/);
  assert.is(error, undefined, 'not before the record is stored');
  held[1]!.release();
  await pass.catch(() => undefined);
  assert.match(String(error), /agent refused/);
});

test('the pass that adds the finalizer goes on to the first step', async () => {
  const world = stagedWorld();
  const finalizers = (r: { metadata: object }) => (r.metadata as { finalizers?: string[] }).finalizers ?? [];
  assert.not.ok(finalizers(world.restore()).includes(RESTORE_FINALIZER));
  await reconcileAuroraRestore(`${world.namespace}/r1`, world.deps());
  const after = world.restore();
  assert.ok(finalizers(after).includes(RESTORE_FINALIZER), 'the finalizer is stored');
  assert.is(after.status?.step, 'Validate', 'and the same pass ran Validate');
  assert.ok(after.status?.source, 'Validate found the backup');
});

test.run();
