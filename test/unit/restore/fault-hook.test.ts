// The test-only fault hook: which windows exit, once each, how points are named, and pausing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraRestore } from '../../../src/api/aurora-restore.ts';
import type { KubeClient } from '../../../src/k8s/kube-client.ts';
import { createFaultHook } from '../../world/restore-fault-hook.ts';
import type { Logger } from '../../../src/log.ts';
import { makeRestore } from './fixtures.ts';

class Died extends Error {}

function hookFor(restore: AuroraRestore, reloads: AuroraRestore[] = []) {
  const patches: Array<Record<string, unknown>> = [];
  const kube = { mergePatch: async (_r: unknown, p: Record<string, unknown>) => void patches.push(p) };
  const log = { warn: () => undefined } as unknown as Logger;
  const hook = createFaultHook({
    kube: kube as unknown as KubeClient,
    log,
    die: async () => {
      throw new Died();
    },
    reload: async () => reloads.shift() ?? restore,
    sleep: async () => undefined,
  });
  const crashedAnnotation = () =>
    (patches.at(-1) as { metadata: { annotations: Record<string, string> } } | undefined)?.metadata
      .annotations['aurora-operator.io/test-crashed-steps'];
  return { hook, crashedAnnotation };
}

function annotated(annotations: Record<string, string>): AuroraRestore {
  const r = makeRestore();
  r.metadata.annotations = annotations;
  return r;
}

test('only listed windows exit, named Step@window (Step alone for after), and a point already hit does not exit again', async () => {
  const r = annotated({ 'aurora-operator.io/test-exit-at': 'write,intent' });
  const { hook, crashedAnnotation } = hookFor(r);
  assert.is(await hook(r, 'Configure', 'before'), false);
  assert.is(await hook(r, 'Configure', 'after'), false);
  await hook(r, 'Configure', 'write#2').then(
    () => assert.unreachable('write#2 exits'),
    (e: unknown) => assert.instance(e, Died),
  );
  assert.is(crashedAnnotation(), 'Configure@write#2');
  const hit = annotated({
    'aurora-operator.io/test-exit-at': 'write,intent',
    'aurora-operator.io/test-crashed-steps': 'Configure@write#2',
  });
  assert.is(await hookFor(hit).hook(hit, 'Configure', 'write#2'), false);
  const legacy = annotated({ 'aurora-operator.io/test-exit-after-step-action': 'true' });
  const l = hookFor(legacy);
  await l.hook(legacy, 'Lock', 'after').catch((e: unknown) => assert.instance(e, Died));
  assert.is(l.crashedAnnotation(), 'Lock');
});

test('a pause holds the pass until the annotation is removed, then reports that it paused', async () => {
  const paused = annotated({ 'aurora-operator.io/test-pause-at': 'Recover@before' });
  const { hook } = hookFor(paused, [paused, annotated({})]);
  assert.is(await hook(paused, 'Recover', 'before'), true);
  assert.is(await hook(paused, 'Recover', 'after'), false, 'another point does not pause');
});

test.run();
