// How soon a restore looks again: at once after a checkpoint or an action whose own record meets its step's
// postcondition, 50 ms after a call to a scheduler or an agent (no watch reports its result), 200 ms after a
// Kubernetes action's first run, and at the active poll while a step waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reconcileAuroraRestore } from '../../../src/restore/reconcile.ts';
import { runStep } from '../../../src/restore/restore-executor.ts';
import type { RestoreEffects, RestoreStep } from '../../../src/restore/step.ts';
import { removeRestoreConfig } from '../../../src/restore/restore-config-steps.ts';
import { configure } from '../../../src/restore/staged-steps.ts';
import { blockTraffic } from '../../../src/restore/traffic-steps.ts';
import { makeRestore, runningWorld, UID } from './fixtures.ts';
import { stagedWorld } from './staged-world.ts';

test('a step settled by its own record hands the pass on, a Kubernetes action is verified 200 ms after its first run, then polled', async () => {
  const world = stagedWorld();
  const seen: string[] = [];
  const finishedAfterFirstPass: string[] = [];
  for (let pass = 0; pass < 40 && world.restore().status?.step !== 'Configure'; pass++) {
    const before = world.restore().status;
    const step = before?.step;
    const result = await reconcileAuroraRestore(`${world.namespace}/r1`, world.deps());
    const now = world.restore().status?.step;
    seen.push(`${now ?? '-'}:${result.requeueAfterMs}`);
    if (pass === 0) {
      for (const t of world.restore().status?.timeline ?? [])
        if (t.finishedAt) finishedAfterFirstPass.push(t.step);
    }
    if (step === 'StopSchedulers' && now === 'StopSchedulers') break;
    // the pods stop only after one more tick, so StopSchedulers runs twice
    if (now !== 'StopSchedulers') world.tick();
  }
  // Validate's agent call records the backup it found and Impact's the impact: each meets its own postcondition
  // and changes nothing observed, so the first pass goes on through both to Lock, whose write awaits the cluster's
  assert.is(seen[0], 'Lock:200', seen.join(' '));
  assert.equal(finishedAfterFirstPass, ['Validate', 'Impact']);
  // BlockTraffic's NetworkPolicy is read back in its own pass, which goes on to StopSchedulers: no pass ends on it
  assert.not.ok(
    seen.some((s) => s.startsWith('BlockTraffic:')),
    seen.join(' '),
  );
  assert.ok(seen.includes('StopSchedulers:200'), seen.join(' '));
  assert.ok(
    seen.includes('StopSchedulers:1000'),
    `a waiting step polls at the active interval: ${seen.join(' ')}`,
  );
});

test('an action whose record does not meet the postcondition is verified after its delay, not at once', async () => {
  const deps = {
    fx: {
      kube: { applyStatus: async () => undefined },
      now: () => new Date('2024-02-01T00:00:00Z'),
    } as unknown as RestoreEffects,
    activeRequeueMs: 1000,
  };
  const recording = (done: (preview: number | undefined) => boolean): RestoreStep => ({
    name: 'Preview',
    done: (s) => done(s.restore.status?.preview?.taskCount),
    decide: () => ({ kind: 'record', message: 'recorded', status: { preview: { taskCount: 3 } } }),
  });
  const how = { mode: 'restore' as const };
  const fresh = makeRestore({}, {});
  const settles = recording((n) => n === 3);
  const stillOpen = recording((n) => n === 4);
  assert.is((await runStep(deps, fresh, runningWorld(), settles, how)).requeueAfterMs, 0);
  assert.is((await runStep(deps, fresh, runningWorld(), stillOpen, how)).requeueAfterMs, 200);
});

test('a write to an object every pass reads directly is looked at again at once on its first run, then polled', async () => {
  const writes: string[] = [];
  const deps = {
    fx: {
      kube: {
        applyStatus: async () => undefined,
        apply: async (o: { kind: string }) => void writes.push(`apply ${o.kind}`),
        delete: async (ref: { kind: string }) => void writes.push(`delete ${ref.kind}`),
      },
      now: () => new Date('2024-02-01T00:00:00Z'),
      operatorPeer: { namespace: 'aurora', matchLabels: { app: 'aurora-operator' } },
    } as unknown as RestoreEffects,
    activeRequeueMs: 1000,
  };
  const how = { mode: 'restore' as const };
  const world = runningWorld({ restoreConfig: { restoreId: UID, action: 'wipe' } });
  // the NetworkPolicy that blocks traffic is read with a GET each pass too
  const blocking = makeRestore({ blockClientTraffic: true }, {});
  assert.is((await runStep(deps, blocking, world, blockTraffic, how)).requeueAfterMs, 0);
  const fresh = makeRestore({}, {});
  const again = makeRestore(
    {},
    { timeline: [{ step: 'RemoveRestoreConfig', startedAt: '2024-02-01T00:00:00Z' }] },
  );
  // the ConfigMap is read with a GET each pass, so its delete shows at once
  assert.is((await runStep(deps, fresh, world, removeRestoreConfig, how)).requeueAfterMs, 0);
  // a delete that did not take (a finalizer holds it) is polled, not retried in a tight loop
  assert.is((await runStep(deps, again, world, removeRestoreConfig, how)).requeueAfterMs, 1000);
  // the StatefulSet is read from a cache that its watch event updates: the verification delay stays
  assert.is((await runStep(deps, fresh, world, configure, how)).requeueAfterMs, 200);
  assert.equal(writes, [
    'apply NetworkPolicy',
    'delete ConfigMap',
    'delete ConfigMap',
    'apply ConfigMap',
    'apply StatefulSet',
  ]);
});

test('a step waiting on a Running pod whose agent does not answer yet looks again after 250 ms, not the poll', async () => {
  const applied: unknown[] = [];
  const deps = {
    fx: {
      kube: { applyStatus: async (_ref: unknown, status: unknown) => void applied.push(status) },
      now: () => new Date('2024-02-01T00:00:00Z'),
    } as unknown as RestoreEffects,
    activeRequeueMs: 1000,
  };
  const waiting: RestoreStep = {
    name: 'StartAll',
    done: () => false,
    decide: () => ({ kind: 'wait', message: 'waiting for the pods' }),
  };
  const started = makeRestore({}, { timeline: [{ step: 'StartAll', startedAt: '2024-02-01T00:00:00Z' }] });
  const answering = runningWorld();
  const starting = runningWorld({
    pods: answering.pods.map((p) => {
      if (p.ordinal !== 2) return p;
      const { markers: _silent, ...rest } = p;
      return rest;
    }),
  });
  const how = { mode: 'restore' as const };
  assert.is((await runStep(deps, started, answering, waiting, how)).requeueAfterMs, 1000);
  assert.is((await runStep(deps, started, starting, waiting, how)).requeueAfterMs, 250);
  assert.ok(applied.length > 0, 'the step recorded its progress');
});

test('a StepFinished event does not hold back the status write of its pass', async () => {
  const world = stagedWorld();
  let inFlight = 0;
  const writesBesideAnEvent: string[] = [];
  const base = world.kube;
  const kube = new Proxy(base, {
    get(target, prop) {
      if (prop === 'recordEvent')
        return async (event: { reason: string }) => {
          if (event.reason !== 'StepFinished') return;
          inFlight++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight--;
        };
      if (prop === 'applyStatus')
        return async (...args: Parameters<typeof base.applyStatus>) => {
          if (inFlight > 0) writesBesideAnEvent.push(String((args[1] as { step?: string }).step));
          return target.applyStatus(...args);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  for (let pass = 0; pass < 40 && world.restore().status?.step !== 'StopSchedulers'; pass++) {
    await reconcileAuroraRestore(`${world.namespace}/r1`, world.deps(undefined, kube));
    world.tick();
  }
  assert.is(world.restore().status?.step, 'StopSchedulers');
  assert.is(inFlight, 0, 'every event was awaited before its pass ended');
  assert.ok(
    writesBesideAnEvent.length > 0,
    'a status write went out while a StepFinished event was in flight',
  );
});

test.run();
