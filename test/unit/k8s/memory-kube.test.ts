// The in-memory API server the restore and cluster tests run against: it must refuse what a real one refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isConflict, isNotFound } from '../../../src/k8s/errors.ts';
import { MemoryKube, OperatorKilled } from '../../support/memory-kube.ts';

const REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'aurora', name: 'cm' };
const cm = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'aurora', labels: { a: '1' }, ...extra },
  data,
});

interface Stored {
  metadata: { uid: string; resourceVersion: string; generation: number; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: { list?: number[] };
  status?: unknown;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable('the call should have been refused'),
    (err: unknown) => err,
  );
}

test('apply creates, replaces lists whole, ignores status, and a repeated apply changes nothing', async () => {
  const kube = new MemoryKube();
  await kube.apply({ ...cm({ x: '1' }), spec: { list: [1, 2] }, status: { s: 1 } });
  const created = kube.get<Stored>(REF);
  assert.is(created?.metadata.resourceVersion, '1');
  assert.is(created?.metadata.generation, 1);
  assert.is(created?.status, undefined, 'status is only written through applyStatus');
  await kube.apply({ ...cm({ x: '1', y: '2' }), spec: { list: [3] } });
  const merged = kube.get<Stored>(REF);
  assert.equal(merged?.data, { x: '1', y: '2' });
  assert.equal(merged?.spec?.list, [3]);
  assert.is(merged?.metadata.uid, created?.metadata.uid);
  assert.is(merged?.metadata.generation, 2);
  await kube.apply({ ...cm({ x: '1', y: '2' }), spec: { list: [3] } });
  assert.is(kube.get<Stored>(REF)?.metadata.resourceVersion, merged?.metadata.resourceVersion);
  assert.equal(kube.writes, [
    'apply ConfigMap aurora/cm',
    'apply ConfigMap aurora/cm',
    'apply ConfigMap aurora/cm',
  ]);
});

test('a field the manager applied before and leaves out now is removed, maps key by key', async () => {
  const kube = new MemoryKube();
  await kube.apply({ ...cm({ x: '1', y: '2' }, { annotations: { note: 'n' } }), spec: { list: [1] } });
  await kube.apply(cm({ x: '1' }, { labels: {} }));
  const stored = kube.get<Stored & { metadata: { annotations?: unknown } }>(REF);
  assert.equal(stored?.data, { x: '1' });
  assert.equal(stored?.metadata.labels, {}, 'the label a is gone, the map it still applies stays');
  assert.is(stored?.metadata.annotations, undefined);
  assert.is(stored?.spec, undefined);
  assert.is(stored?.metadata.generation, 2);
  await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'aurora' } });
  assert.equal(Object.keys(kube.get<Record<string, unknown>>(REF) ?? {}).sort(), [
    'apiVersion',
    'kind',
    'metadata',
  ]);
});

test('a field another manager set survives the operator dropping its own fields', async () => {
  const kube = new MemoryKube();
  await kube.apply(cm({ x: '1', shared: 's' }));
  // a user's update, another manager's apply, and the operator's own merge patch (an update, not its apply)
  kube.put({ ...kube.get<Stored>(REF), data: { x: '1', shared: 's', w: 'user' } });
  kube.applyAs('kubectl', { ...cm({ v: 'kubectl' }), metadata: { name: 'cm', namespace: 'aurora' } });
  await kube.mergePatch(REF, { metadata: { annotations: { lock: 'r1' } } });
  await kube.apply({ ...cm({}), metadata: { name: 'cm', namespace: 'aurora' } });
  const stored = kube.get<Stored & { metadata: { annotations?: unknown } }>(REF);
  assert.equal(stored?.data, { w: 'user', v: 'kubectl' });
  assert.equal(stored?.metadata.annotations, { lock: 'r1' });
  assert.is(stored?.metadata.labels, undefined);
});

test('force takes a changed field from its owner; a field someone changes after the apply stays theirs', async () => {
  const kube = new MemoryKube();
  kube.put(cm({ taken: 'theirs', same: 'v' }));
  await kube.apply(cm({ taken: 'ours', same: 'v', later: 'ours' }));
  kube.put({ ...kube.get<Stored>(REF), data: { taken: 'ours', same: 'v', later: 'theirs' } });
  await kube.apply(cm({}));
  // same was set to the value its first owner wrote, so that owner still holds it
  assert.equal(kube.get<Stored>(REF)?.data, { same: 'v', later: 'theirs' });
});

test('applyStatus is a field set of its own: the object apply keeps status, status drops only its own fields', async () => {
  const kube = new MemoryKube();
  await kube.apply(cm({ x: '1' }));
  await kube.applyStatus(REF, { phase: 'A', extra: 1, nested: { a: 1, b: 2 } });
  await kube.apply(cm({ x: '2' }));
  assert.equal(kube.get<Stored>(REF)?.status, { phase: 'A', extra: 1, nested: { a: 1, b: 2 } });
  kube.put({
    ...kube.get<Stored>(REF),
    status: { ...(kube.get<Stored>(REF)?.status as object), lock: 'r1' },
  });
  await kube.applyStatus(REF, { phase: 'B', nested: { a: 1 } });
  assert.equal(kube.get<Stored>(REF)?.status, { phase: 'B', nested: { a: 1 }, lock: 'r1' });
  assert.equal(kube.get<Stored>(REF)?.data, { x: '2' });
});

test('a resourceVersion in the applied object is a precondition: stale or missing conflicts (409)', async () => {
  const kube = new MemoryKube();
  const stored = kube.put(cm({ x: '1' })) as unknown as Stored;
  kube.put(cm({ x: 'changed by someone else' }));
  const stale = await rejection(
    kube.apply(cm({ x: '2' }, { resourceVersion: stored.metadata.resourceVersion })),
  );
  assert.ok(isConflict(stale));
  assert.is(kube.get<Stored>(REF)?.data?.['x'], 'changed by someone else');
  const fresh = kube.get<Stored>(REF)?.metadata.resourceVersion;
  await kube.apply(cm({ x: '2' }, { resourceVersion: fresh }));
  assert.is(kube.get<Stored>(REF)?.data?.['x'], '2');
  const missing = await rejection(
    kube.apply({ ...cm({}), metadata: { name: 'other', namespace: 'aurora', resourceVersion: '1' } }),
  );
  assert.ok(isConflict(missing));
});

test('applyStatus replaces status and bumps the resourceVersion, not the generation', async () => {
  const kube = new MemoryKube();
  kube.put(cm({}));
  await kube.applyStatus(REF, { phase: 'A', extra: 1 });
  await kube.applyStatus(REF, { phase: 'B' });
  const stored = kube.get<Stored>(REF);
  assert.equal(stored?.status, { phase: 'B' });
  assert.is(stored?.metadata.generation, 1);
  assert.is(stored?.metadata.resourceVersion, '3');
  assert.ok(isNotFound(await rejection(kube.applyStatus({ ...REF, name: 'nope' }, {}))));
});

test('mergePatch is a JSON merge patch: null deletes, maps merge; its resourceVersion is a precondition', async () => {
  const kube = new MemoryKube();
  const first = kube.put(cm({ x: '1', y: '2' })) as unknown as Stored;
  await kube.mergePatch(REF, { data: { x: null, z: '3' }, metadata: { labels: { b: '2' } } });
  const patched = kube.get<Stored>(REF);
  assert.equal(patched?.data, { y: '2', z: '3' });
  assert.equal(patched?.metadata.labels, { a: '1', b: '2' });
  const stale = await rejection(
    kube.mergePatch(REF, { metadata: { resourceVersion: first.metadata.resourceVersion } }),
  );
  assert.ok(isConflict(stale));
  await kube.mergePatch(REF, {
    metadata: { resourceVersion: patched?.metadata.resourceVersion, labels: { a: null } },
  });
  assert.equal(kube.get<Stored>(REF)?.metadata.labels, { b: '2' });
  assert.ok(isNotFound(await rejection(kube.mergePatch({ ...REF, name: 'nope' }, {}))));
});

test('delete honours the uid precondition and reports whether something was deleted', async () => {
  const kube = new MemoryKube();
  const stored = kube.put(cm({})) as unknown as Stored;
  assert.ok(isConflict(await rejection(kube.delete(REF, { uid: 'someone-else' }))));
  assert.ok(kube.get(REF), 'a uid mismatch deletes nothing');
  assert.is(await kube.delete(REF, { uid: stored.metadata.uid }), true);
  assert.is(kube.get(REF), undefined);
  assert.is(await kube.delete(REF), false);
});

test('failAfterWrites: n writes land, then the operator is dead until revived', async () => {
  const kube = new MemoryKube();
  kube.put(cm({}));
  kube.failAfterWrites(1);
  await kube.applyStatus(REF, { n: 1 });
  assert.instance(await rejection(kube.applyStatus(REF, { n: 2 })), OperatorKilled);
  assert.instance(await rejection(kube.delete(REF)), OperatorKilled);
  assert.instance(
    await rejection(kube.recordEvent({ regarding: REF, type: 'Normal', reason: 'R', message: 'm' })),
    OperatorKilled,
  );
  assert.ok(kube.killed);
  assert.equal(kube.get<Stored>(REF)?.status, { n: 1 });
  kube.revive();
  await kube.applyStatus(REF, { n: 3 });
  assert.equal(kube.get<Stored>(REF)?.status, { n: 3 });
});

test('rejectNext fails one write without landing it; hangNext never answers', async () => {
  const kube = new MemoryKube();
  kube.put(cm({}));
  const boom = new Error('boom');
  kube.rejectNext(boom);
  assert.is(await rejection(kube.applyStatus(REF, { n: 1 })), boom);
  await kube.applyStatus(REF, { n: 2 });
  kube.hangNext();
  const hung = kube.applyStatus(REF, { n: 3 }).then(() => 'answered');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 20));
  assert.is(await Promise.race([hung, timeout]), 'still waiting');
  assert.equal(kube.get<Stored>(REF)?.status, { n: 2 });
});

test('events are recorded; list filters by kind and namespace', async () => {
  const kube = new MemoryKube();
  kube.put(cm({}));
  kube.put({ ...cm({}), metadata: { name: 'cm', namespace: 'other' } });
  kube.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'aurora' } });
  await kube.recordEvent({ regarding: REF, type: 'Warning', reason: 'Why', message: 'because' });
  assert.equal(
    kube.events.map((e) => e.reason),
    ['Why'],
  );
  assert.is(kube.list('ConfigMap', 'aurora').length, 1);
  assert.is(kube.list('ConfigMap').length, 2);
});

test.run();
