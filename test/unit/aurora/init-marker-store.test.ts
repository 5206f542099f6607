import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initMarkerPath, parseMarker, type InitMarker } from '../../../src/aurora/init-marker-store.ts';
import { fakeZk, putJson, readJson, storeOver } from '../cluster/log-init-fixture.ts';

async function rejection(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a rejection');
}

const PATH = '/aurora/replicated-log-aurora-operator';
const target = { endpoints: ['127.0.3.1:2181'] };
const claim: InitMarker = {
  namespace: 'aurora',
  name: 'example',
  uid: 'u1',
  createdAt: '2026-11-21T10:00:00.000Z',
  state: 'initializing',
};

test('the marker sits beside the log group path, whatever its trailing slashes', () => {
  assert.is(initMarkerPath('/aurora/replicated-log'), PATH);
  assert.is(initMarkerPath('/aurora/replicated-log/'), PATH);
  assert.is(initMarkerPath('/log'), '/log-aurora-operator');
});

test('read reports an absent marker, a marker with its version, and a node that is not a marker', async () => {
  const zk = fakeZk();
  const store = storeOver(zk);
  assert.equal(await store.read(target, PATH), { kind: 'absent' });
  putJson(zk, PATH, claim);
  assert.equal(await store.read(target, PATH), { kind: 'present', marker: claim, version: 3 });
  putJson(zk, PATH, { owner: 'someone' });
  const odd = await store.read(target, PATH);
  assert.is(odd.kind, 'unparsable');
  zk.nodes.set(PATH, { data: Buffer.from('hello'), version: 1 });
  assert.equal(await store.read(target, PATH), {
    kind: 'unparsable',
    version: 1,
    detail: 'not JSON: "hello"',
  });
});

test('read rejects when ZooKeeper is unreachable, so the caller can refuse', async () => {
  const zk = fakeZk();
  zk.down = new Error('ZooKeeper connect timed out after 3000ms');
  assert.match(await rejection(() => storeOver(zk).read(target, PATH)), /timed out/);
});

test('only the first of two claims wins, and the second writer sees the first one', async () => {
  const zk = fakeZk();
  const store = storeOver(zk);
  assert.ok(await store.claim(target, PATH, claim));
  assert.not.ok(await store.claim(target, PATH, { ...claim, uid: 'u2' }));
  assert.equal(readJson(zk, PATH), claim);
});

test('markInitialized is a compare-and-set: a stale version loses, the current one writes state initialized', async () => {
  const zk = fakeZk();
  const store = storeOver(zk);
  await store.claim(target, PATH, claim);
  const done = { ...claim, state: 'initialized' as const, initializedAt: '2026-11-21T10:05:00.000Z' };
  assert.not.ok(await store.markInitialized(target, PATH, done, 7));
  assert.ok(await store.markInitialized(target, PATH, done, 0));
  assert.equal(readJson(zk, PATH), done);
  assert.not.ok(await store.markInitialized(target, PATH, done, 0), 'the version moved on');
  assert.equal(zk.writes, [`create ${PATH}`, `set ${PATH}@7`, `set ${PATH}@0`, `set ${PATH}@0`]);
});

test('markInitialized without a version creates the marker, and fails if another writer created it', async () => {
  const zk = fakeZk();
  const store = storeOver(zk);
  const done = { ...claim, state: 'initialized' as const };
  assert.ok(await store.markInitialized(target, PATH, done, undefined));
  assert.is((readJson(zk, PATH) as InitMarker).state, 'initialized');
  assert.not.ok(await store.markInitialized(target, PATH, done, undefined));
});

test('a marker that fails the schema is never written', async () => {
  const zk = fakeZk();
  assert.match(await rejection(() => storeOver(zk).claim(target, PATH, { ...claim, name: '' })), /name/);
  assert.is(zk.nodes.size, 0);
});

test('parseMarker names the fields that are wrong', () => {
  const read = parseMarker(Buffer.from(JSON.stringify({ ...claim, state: 'done' })), 2);
  assert.is(read.kind, 'unparsable');
  assert.match(read.kind === 'unparsable' ? read.detail : '', /state/);
});

test('close closes the sessions', () => {
  const zk = fakeZk();
  storeOver(zk).close();
  assert.ok(zk.closed);
});

test.run();
