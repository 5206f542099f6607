// The restore benchmark's breakdown: intrinsic time is the union of the world waits a step depends on, clipped to
// the step; overhead is the rest, floored at 0, plus the gaps between steps; stale ZooKeeper sessions are found.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { breakdown, unionMs, type WorldInterval } from '../../../bench/restore-breakdown.ts';
import { staleSessions } from '../../../bench/restore-zk.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const w = (kind: WorldInterval['kind'], a: number, b: number, subject = 'example-0'): WorldInterval => ({
  kind,
  startMs: T0 + a * 1000,
  endMs: T0 + b * 1000,
  subject,
});

test('unionMs merges overlapping spans and clips them to the window', () => {
  assert.is(
    unionMs(
      [
        [0, 10],
        [5, 20],
        [30, 40],
      ],
      0,
      100,
    ),
    30,
  );
  assert.is(
    unionMs(
      [
        [0, 10],
        [30, 40],
      ],
      5,
      35,
    ),
    10,
  );
  assert.is(unionMs([[50, 60]], 0, 10), 0);
});

test("StageRecovery's wait for the leader's storage to answer is intrinsic; the poll after READY is overhead", () => {
  const b = breakdown(
    [{ step: 'StageRecovery', startedAt: at(0), finishedAt: at(3) }],
    [w('storage-ready', -1, 2.5), w('pod-stop', 0, 3)],
  );
  const row = b.rows[0]!;
  assert.is(row.intrinsicS, 2.5, 'storage READY 2.5 s into the step');
  assert.is(row.overheadS, 0.5);
});

test('a step waiting for pods counts their overlapping stops once; the rest is overhead', () => {
  const b = breakdown(
    [{ step: 'StopSchedulers', startedAt: at(0), finishedAt: at(10) }],
    [w('pod-stop', 1, 6, 'example-0'), w('pod-stop', 2, 7, 'example-1'), w('pod-stop', 8, 9, 'example-2')],
  );
  const row = b.rows[0]!;
  assert.is(row.wallS, 10);
  assert.is(row.intrinsicS, 7);
  assert.is(row.overheadS, 3);
  assert.match(row.what, 'pod-stop 7 s (example-0,example-1,example-2)');
});

test('world waits a step does not depend on are not intrinsic to it', () => {
  const b = breakdown(
    [{ step: 'PlaceBackup', startedAt: at(0), finishedAt: at(4) }],
    [w('ready-probe', 0, 4)],
  );
  assert.is(b.rows[0]!.intrinsicS, 0);
  assert.is(b.rows[0]!.overheadS, 4);
  assert.is(b.rows[0]!.what, '');
});

test('gaps between steps are overhead rows; overhead is floored at 0 per step', () => {
  const b = breakdown(
    [
      { step: '(created)', startedAt: at(0), finishedAt: at(0) },
      { step: 'Validate', startedAt: at(1.5), finishedAt: at(2) },
      { step: 'StopSchedulers', startedAt: at(3), finishedAt: at(8) },
      { step: 'Unlock', startedAt: at(8), finishedAt: at(8.2) },
    ],
    // a stop longer than the step itself: clipped, so no negative overhead
    [w('pod-stop', 2, 9)],
  );
  assert.equal(
    b.rows.map((r) => [r.step, r.wallS, r.intrinsicS, r.overheadS]),
    [
      ['(created)', 0, 0, 0],
      ['(gap → Validate)', 1.5, 0, 1.5],
      ['Validate', 0.5, 0, 0.5],
      ['(gap → StopSchedulers)', 1, 0, 1],
      ['StopSchedulers', 5, 5, 0],
      ['Unlock', 0.2, 0, 0.2],
    ],
  );
  assert.is(b.totalWallS, 8.2);
  assert.is(b.totalIntrinsicS, 5);
  assert.is(b.totalOverheadS, 3.2);
});

test('the approver’s wait is intrinsic to Approval; the reaction after approving is overhead', () => {
  const b = breakdown(
    [{ step: 'Approval', startedAt: at(0), finishedAt: at(31) }],
    [w('approval', 0, 1, 'bench')],
  );
  assert.is(b.rows[0]!.intrinsicS, 1);
  assert.is(b.rows[0]!.overheadS, 30);
});

test('steps without both times are left out', () => {
  const b = breakdown([{ step: 'Validate', startedAt: at(0) }], []);
  assert.is(b.rows.length, 0);
  assert.is(b.totalOverheadS, 0);
});

test('a session that outlived its scheduler is a stale interval; one closed with it is not', () => {
  const sighting = (data: string, first: number, last: number, owner = 'a1') => ({
    path: `/aurora/scheduler/member_${owner}`,
    owner,
    data,
    firstSeenMs: T0 + first * 1000,
    lastSeenMs: T0 + last * 1000,
  });
  const ended = [{ ip: '127.61.0.2', endedMs: T0 + 10_000, subject: 'example-0' }];
  const stale = staleSessions(
    [
      sighting('{"host":"127.61.0.2"}', 0, 25),
      // closed on stop: last seen within one poll
      sighting('{"host":"127.61.0.2"}', 0, 10.4, 'b2'),
      // another pod whose IP shares the prefix
      sighting('{"host":"127.61.0.25"}', 0, 30, 'c3'),
      // created after the process ended: the next incarnation's session
      sighting('{"host":"127.61.0.2"}', 12, 30, 'd4'),
    ],
    ended,
    500,
  );
  assert.equal(stale, [{ startMs: T0 + 10_000, endMs: T0 + 25_000, subject: 'example-0' }]);
});

test.run();
