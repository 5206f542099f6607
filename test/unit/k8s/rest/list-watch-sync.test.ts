// Acting only on a synced view: start() waits for a first LIST that succeeds, retrying refused ones with a
// back-off; a relist leaves hasSynced false until it is done and swaps the cache at once, never empty or partial.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ListWatch } from '../../../../src/k8s/rest/list-watch.ts';
import { json, startFakeApiServer, status } from '../../../support/fake-apiserver.ts';
import {
  FAST_BACKOFF,
  holdOpen,
  line,
  listRequests,
  obj,
  PATH,
  recorder,
  scripted,
  sendLines,
  until,
  watchRequests,
  type Obj,
} from './list-watch-fixtures.ts';

const names = (informer: ListWatch<Obj>): string =>
  informer
    .list()
    .map((o) => o.metadata.name)
    .sort()
    .join(',');

test('start() resolves only after a LIST succeeds: refused LISTs are retried and hasSynced flips then', async () => {
  let settled = false;
  const api = await startFakeApiServer(
    scripted(
      [
        (res) => status(res, 500, 'InternalError', 'etcd unavailable'),
        (res) => status(res, 403, 'Forbidden', 'no list yet'),
        (res) => status(res, 500, 'InternalError', 'still down'),
        (res) => json(res, 200, { metadata: { resourceVersion: '7' }, items: [obj('a', '3')] }),
      ],
      [holdOpen],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: FAST_BACKOFF });
    const events = recorder(informer);
    const started = informer.start().then(() => {
      settled = true;
    });
    await until('the third LIST', () => listRequests(api.seen).length === 3);
    await sleep(5);
    assert.not.ok(settled, 'start() is still waiting after three refused LISTs');
    assert.not.ok(informer.hasSynced());
    assert.is(informer.list().length, 0);
    await started;
    assert.ok(informer.hasSynced());
    assert.is(names(informer), 'a');
    assert.equal(events, ['error 500', 'error 403', 'error 500', 'add a@3']);
    await until('the watch', () => watchRequests(api.seen).length === 1);
    assert.is(watchRequests(api.seen)[0]?.query['resourceVersion'], '7');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('stop() before any LIST succeeded rejects start() and ends the retries', async () => {
  const api = await startFakeApiServer((_req, res) => status(res, 503, 'ServiceUnavailable', 'down'));
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: FAST_BACKOFF });
    const started = informer.start();
    await until('two LISTs', () => api.seen.length >= 2);
    await informer.stop();
    const err = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.match(String(err), /stopped before it synced/);
    const seen = api.seen.length;
    await sleep(100);
    assert.is(api.seen.length, seen, 'no LIST after stop');
  } finally {
    await api.close();
  }
});

test('a relist after 410 keeps the old cache whole until the new one replaces it at once', async () => {
  let releaseSecondPage: () => void = () => undefined;
  const secondPage = new Promise<void>((resolve) => (releaseSecondPage = resolve));
  const api = await startFakeApiServer(
    scripted(
      [
        (res) =>
          json(res, 200, { metadata: { resourceVersion: '10' }, items: [obj('a', '5'), obj('b', '6')] }),
        (res) =>
          json(res, 200, { metadata: { resourceVersion: '50', continue: 'p2' }, items: [obj('a', '5')] }),
        async (res, req) => {
          assert.is(req.query['continue'], 'p2');
          await secondPage;
          json(res, 200, { metadata: { resourceVersion: '50' }, items: [obj('c', '40')] });
        },
      ],
      [
        sendLines(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' })),
        holdOpen,
      ],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: FAST_BACKOFF, pageSize: 1 });
    const seenByListeners: string[] = [];
    informer.on('change', () => seenByListeners.push(names(informer)));
    await informer.start();
    assert.is(names(informer), 'a,b');
    await until('the second page of the relist', () => listRequests(api.seen).length === 3);
    assert.not.ok(informer.hasSynced(), 'not synced while the relist runs');
    assert.is(names(informer), 'a,b', 'the old cache, whole, while the relist runs');
    releaseSecondPage();
    await until('the watch after the relist', () => watchRequests(api.seen).length === 2);
    assert.ok(informer.hasSynced());
    assert.is(names(informer), 'a,c');
    assert.equal(
      seenByListeners,
      ['a,b', 'a,b', 'a,c', 'a,c'],
      'listeners see the old or the new set, no other',
    );
    assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '50');
    assert.equal(
      listRequests(api.seen).map((r) => [r.query['limit'], r.query['continue']]),
      [
        ['1', undefined],
        ['1', undefined],
        ['1', 'p2'],
      ],
    );
    await informer.stop();
  } finally {
    await api.close();
  }
});

test.run();
