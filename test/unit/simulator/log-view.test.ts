import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseCatchUpSource, chooseWriterView, type ReplicaAnswer } from '../../world/simulator/log-view.ts';

const voting = (pid: string, position: number): ReplicaAnswer => ({ pid, status: 'VOTING', position });
const empty = (pid: string): ReplicaAnswer => ({ pid, status: 'EMPTY', position: 0 });

function view(self: ReplicaAnswer, answers: ReplicaAnswer[], quorum: number) {
  const v = chooseWriterView(self, answers, quorum);
  if (!v.ok) throw new Error(`expected an election, got: ${v.reason}`);
  return v;
}

test('healthy cluster: every replica at the same position, nothing lost', () => {
  const v = view(voting('a', 10), [voting('b', 10), voting('c', 10)], 2);
  assert.is(v.best.pid, 'a');
  assert.is(v.best.position, 10);
  assert.is(v.losesEntries, false);
  assert.is(v.view.length, 2);
});

test('a restarted replica that lags is in the view, yet the writer keeps the newer state', () => {
  const lagging = view(voting('a', 10), [voting('c', 5), voting('b', 10)], 2);
  assert.equal(
    lagging.view.map((a) => a.pid),
    ['a', 'c'],
  );
  assert.is(lagging.best.position, 10);
  assert.is(lagging.losesEntries, false);
  // the lagging replica itself becomes the writer: the lowest peer still holds every committed write
  const fromLagging = view(voting('c', 5), [voting('a', 10), voting('b', 10)], 2);
  assert.is(fromLagging.best.position, 10);
  assert.is(fromLagging.losesEntries, false);
});

test('a quorum of initialized-but-empty replicas: the writer learns an empty log and the data is lost', () => {
  const v = view(voting('b', 0), [voting('a', 57), voting('c', 0)], 2);
  assert.equal(
    v.view.map((a) => a.pid),
    ['b', 'c'],
  );
  assert.is(v.best.position, 0);
  assert.is(v.newest.pid, 'a');
  assert.is(v.newest.position, 57);
  assert.is(v.losesEntries, true);
});

test('the writer own replica is always in its view: a writer holding the data keeps it', () => {
  const v = view(voting('a', 57), [voting('b', 0), voting('c', 0)], 2);
  assert.is(v.best.pid, 'a');
  assert.is(v.best.position, 57);
  assert.is(v.losesEntries, false);
});

test('EMPTY replicas (fresh disks) do not vote: no quorum, no election', () => {
  const v = chooseWriterView(voting('a', 57), [empty('b'), empty('c')], 2);
  assert.equal(v, { ok: false, reason: '1 of quorum 2 VOTING replicas reachable' });
  const selfEmpty = chooseWriterView(empty('a'), [voting('b', 3), voting('c', 3)], 2);
  assert.equal(selfEmpty, { ok: false, reason: 'the local replica is not VOTING' });
});

test('staged restore after every replica was wiped and initialized: an empty view, nothing to lose', () => {
  const v = view(voting('a', 0), [voting('b', 0), voting('c', 0)], 2);
  assert.is(v.best.position, 0);
  assert.is(v.losesEntries, false);
});

test('five replicas, two wiped and initialized: a quorum of three still contains the data', () => {
  const v = view(voting('d', 0), [voting('a', 40), voting('e', 0), voting('b', 40), voting('c', 40)], 3);
  assert.equal(
    v.view.map((a) => a.pid),
    ['d', 'e', 'a'],
  );
  assert.is(v.best.position, 40);
  assert.is(v.losesEntries, false);
});

test('quorum 1 (recovery-tool default): the view is the local replica alone', () => {
  const v = view(voting('tool', 0), [voting('a', 57), voting('b', 57)], 1);
  assert.equal(
    v.view.map((a) => a.pid),
    ['tool'],
  );
  assert.is(v.best.position, 0);
  assert.is(v.losesEntries, true);
});

test('ties: the writer prefers its own replica, then the lowest pid', () => {
  const v = view(voting('m', 4), [voting('z', 4), voting('b', 4)], 2);
  assert.is(v.best.pid, 'm');
  assert.equal(
    v.view.map((a) => a.pid),
    ['m', 'b'],
  );
});

test('catch-up of an EMPTY replica needs a quorum of VOTING answers', () => {
  assert.is(chooseCatchUpSource([voting('a', 10), empty('b'), empty('self')], 2), undefined);
  assert.is(chooseCatchUpSource([], 1), undefined);
  assert.is(chooseCatchUpSource([voting('a', 10), voting('b', 12), empty('c')], 2)?.pid, 'b');
  // pessimistic: the lowest-positioned quorum decides
  assert.is(chooseCatchUpSource([voting('a', 57), voting('b', 0), voting('c', 0)], 2)?.position, 0);
  assert.is(chooseCatchUpSource([voting('a', 57), voting('b', 57), voting('c', 0)], 2)?.position, 57);
  assert.is(
    chooseCatchUpSource([voting('a', 40), voting('b', 40), voting('c', 40), empty('d'), empty('e')], 3)
      ?.position,
    40,
  );
});

test.run();
