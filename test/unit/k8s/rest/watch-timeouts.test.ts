// Quiet watches live on bookmarks: every watch asks for them and for a server-side timeout of 5 to 10 minutes, and
// no client-side idle cut-off is shorter than the API server's one-minute bookmark interval.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WATCH_IDLE_MS, watchTimeoutSeconds } from '../../../../src/k8s/rest/watch.ts';
import { json } from '../../../support/fake-apiserver.ts';
import {
  line,
  listRequests,
  until,
  watchRequests,
  withInformer,
  type Script,
} from './list-watch-fixtures.ts';

const BOOKMARK_INTERVAL_MS = 60_000;

test('the server ends each watch after 300 to 600 s, a different time for each', () => {
  assert.is(
    watchTimeoutSeconds(() => 0),
    300,
  );
  assert.is(
    watchTimeoutSeconds(() => 0.999_999),
    600,
  );
  assert.is(
    watchTimeoutSeconds(() => 0.5),
    450,
  );
});

test('the idle cut-off leaves room for more than one missed bookmark', () => {
  assert.ok(WATCH_IDLE_MS >= 2 * BOOKMARK_INTERVAL_MS, `idle cut-off ${WATCH_IDLE_MS} ms`);
});

/** a watch that sends a bookmark every 25 ms for a while, then stays open */
const bookmarking: Script = async (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (let rv = 11; rv <= 20; rv++) {
    res.write(line('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: String(rv) } }));
    await sleep(25);
  }
};

test('a quiet watch that receives bookmarks is kept open, and asks for them unasked', () =>
  withInformer(
    [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })],
    [bookmarking],
    async (informer, api, events) => {
      await until('the last bookmark', () => informer.latestResourceVersion() === '20');
      assert.is(watchRequests(api.seen).length, 1, 'bookmarks every 25 ms keep an 80 ms idle limit away');
      assert.is(watchRequests(api.seen)[0]?.query['allowWatchBookmarks'], 'true');
      assert.is(listRequests(api.seen).length, 1);
      assert.equal(events, []);
    },
    { idleMs: 80 },
  ));

test.run();
