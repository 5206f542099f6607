// Every ERROR event of a watch is handled: an unservable resourceVersion (410, Expired, Gone, too large) relists,
// any other resumes from the last resourceVersion after a back-off; a line that is no JSON restarts the watch
// before the resourceVersion moves past it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planWatchFailure } from '../../../../src/k8s/rest/watch-error.ts';
import { lineSplitter, MAX_WATCH_LINE_BYTES } from '../../../../src/k8s/rest/watch.ts';
import { json } from '../../../support/fake-apiserver.ts';
import {
  holdOpen,
  line,
  listRequests,
  obj,
  sendLines,
  until,
  watchRequests,
  withInformer,
  type Obj,
  type Script,
} from './list-watch-fixtures.ts';

const TOO_LARGE = {
  kind: 'Status',
  code: 504,
  reason: 'Timeout',
  message: 'Too large resource version: 99, current: 50',
  details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
};

test('planWatchFailure relists only when the resourceVersion cannot be served', () => {
  assert.is(planWatchFailure({ code: 410, reason: 'Expired' }), 'relist');
  assert.is(planWatchFailure({ code: 410 }), 'relist');
  assert.is(planWatchFailure({ reason: 'Gone' }), 'relist');
  assert.is(planWatchFailure({ reason: 'Expired' }), 'relist');
  assert.is(planWatchFailure(TOO_LARGE), 'relist');
  assert.is(planWatchFailure({ code: 504, message: 'Too large resource version: 99' }), 'relist');
  assert.is(planWatchFailure({ code: 504, reason: 'Timeout', message: 'request timed out' }), 'resume');
  assert.is(planWatchFailure({ code: 500, reason: 'InternalError' }), 'resume');
  assert.is(planWatchFailure({}), 'resume');
});

const listAt =
  (rv: string, ...items: Obj[]): Script =>
  (res) =>
    json(res, 200, { metadata: { resourceVersion: rv }, items });

for (const [name, status] of [
  ['410 Expired', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }],
  ['a Gone reason', { kind: 'Status', reason: 'Gone', message: 'gone' }],
  ['a too large resource version', TOO_LARGE],
] as const) {
  test(`an ERROR event with ${name} relists`, () =>
    withInformer(
      [listAt('10', obj('a', '5')), listAt('60', obj('a', '55'))],
      [sendLines(line('ERROR', status)), holdOpen],
      async (_informer, api, events) => {
        await until('the watch after the relist', () => watchRequests(api.seen).length === 2);
        assert.is(listRequests(api.seen).length, 2);
        assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '60');
        assert.equal(events, ['add a@5', 'update a@55'], 'a relist is no error');
      },
    ));
}

test('any other ERROR event resumes the watch from the last resourceVersion without a relist', () =>
  withInformer(
    [listAt('10')],
    [
      sendLines(
        line('ADDED', obj('b', '11')),
        line('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd' }),
        line('ADDED', obj('c', '12')),
      ),
      holdOpen,
    ],
    async (_informer, api, events) => {
      await until('the resumed watch', () => watchRequests(api.seen).length === 2);
      assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '11');
      assert.is(listRequests(api.seen).length, 1);
      assert.equal(events, ['add b@11', 'error 500'], 'nothing after the ERROR is applied');
    },
  ));

test('a line that is no JSON restarts the watch before the resourceVersion moves past it', () =>
  withInformer(
    [listAt('10')],
    [
      sendLines(line('ADDED', obj('b', '11')), '{"type":"ADDED","object":{\n', line('ADDED', obj('c', '12'))),
      holdOpen,
    ],
    async (informer, api, events) => {
      await until('the restarted watch', () => watchRequests(api.seen).length === 2);
      assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '11', 'resumed before the bad line');
      assert.is(events.length, 2);
      assert.is(events[0], 'add b@11');
      assert.match(events[1] ?? '', /WatchFrameError: watch sent a line that is no JSON/);
      assert.is(informer.get('c', 'ns'), undefined, 'the event after the bad line waits for the new watch');
    },
  ));

test('a frame longer than the cap restarts the watch with an error instead of growing without bound', () =>
  withInformer(
    [listAt('10')],
    [
      sendLines(line('ADDED', obj('b', '11')), line('ADDED', { ...obj('c', '12'), data: 'x'.repeat(500) })),
      holdOpen,
    ],
    async (informer, api, events) => {
      await until('the restarted watch', () => watchRequests(api.seen).length === 2);
      assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '11');
      assert.equal(events.slice(0, 1), ['add b@11']);
      assert.match(events[1] ?? '', /WatchFrameError: watch frame longer than 300 bytes/);
      assert.is(informer.get('c', 'ns'), undefined);
    },
    { maxLineBytes: 300 },
  ));

test('lineSplitter splits at newlines across chunks and refuses a line beyond its cap', () => {
  const lines: string[] = [];
  const split = lineSplitter((l) => lines.push(l), 8);
  split.push(Buffer.from('ab\ncd'));
  split.push(Buffer.from('é\n\n'));
  assert.equal(lines, ['ab', 'cdé']);
  assert.throws(() => split.push(Buffer.from('123456789')), /longer than 8 bytes/);
  assert.is(MAX_WATCH_LINE_BYTES, 16 * 1024 * 1024);
});

test.run();
