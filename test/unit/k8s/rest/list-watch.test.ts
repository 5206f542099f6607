// The informer against a scripted API server: a paged LIST then a WATCH with bookmarks and a server-side timeout,
// events split across chunks, resume from the last resourceVersion, 410 Gone relists, a failed watch retried, and a
// quiet watch renewed.
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
  until,
  watchRequests,
  type Obj,
} from './list-watch-fixtures.ts';

const BOOKMARKS = { allowWatchBookmarks: true };

test('lists, then watches from the list resourceVersion with bookmarks; events split mid-line apply', async () => {
  const api = await startFakeApiServer(
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [obj('a', '5')] })],
      [
        async (res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const text = line('ADDED', obj('b', '11')) + line('MODIFIED', obj('a', '12', 'x'));
          res.write(text.slice(0, 30));
          await sleep(20);
          res.write(text.slice(30));
          res.write(line('BOOKMARK', { metadata: { resourceVersion: '20' } }));
          res.write(line('DELETED', obj('b', '21')));
          res.end(); // the server ends the watch: resumed from 21
        },
      ],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, {
      labelSelector: 'app=x',
      fieldSelector: 'metadata.name!=z',
      watchQuery: BOOKMARKS,
    });
    const events = recorder(informer);
    await informer.start();
    await until('the resumed watch', () => watchRequests(api.seen).length === 2);
    assert.equal(events, ['add a@5', 'add b@11', 'update a@12', 'delete b@21']);
    assert.equal(
      informer.list().map((o) => o.metadata.name),
      ['a'],
    );
    assert.is(informer.get('a', 'ns')?.data, 'x');
    const [list] = listRequests(api.seen);
    assert.equal(list?.query, { labelSelector: 'app=x', fieldSelector: 'metadata.name!=z', limit: '500' });
    const [first, second] = watchRequests(api.seen);
    const { timeoutSeconds, ...rest } = first?.query ?? {};
    assert.equal(rest, {
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: '10',
      labelSelector: 'app=x',
      fieldSelector: 'metadata.name!=z',
    });
    const seconds = Number(timeoutSeconds);
    assert.ok(seconds >= 300 && seconds <= 600, `timeoutSeconds ${timeoutSeconds} is within 5 to 10 minutes`);
    assert.is(second?.query['resourceVersion'], '21', 'resumes after the last event, bookmarks included');
    assert.is(listRequests(api.seen).length, 1, 'a resumed watch does not relist');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('a bookmark alone moves the resume point', async () => {
  const api = await startFakeApiServer(
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })],
      [
        (res) => {
          res.writeHead(200);
          res.end(line('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '99' } }));
        },
      ],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { watchQuery: BOOKMARKS });
    await informer.start();
    await until('the resumed watch', () => watchRequests(api.seen).length === 2);
    assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '99');
    assert.is(informer.list().length, 0, 'a bookmark is no object');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('410 Gone in the stream relists; objects missing from the new list are deleted', async () => {
  const api = await startFakeApiServer(
    scripted(
      [
        (res) =>
          json(res, 200, { metadata: { resourceVersion: '10' }, items: [obj('a', '5'), obj('b', '6')] }),
        (res) =>
          json(res, 200, { metadata: { resourceVersion: '50' }, items: [obj('a', '5'), obj('c', '40')] }),
      ],
      [
        (res) => {
          res.writeHead(200);
          res.end(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }));
        },
      ],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { watchQuery: BOOKMARKS });
    const events = recorder(informer);
    await informer.start();
    await until('the watch after the relist', () => watchRequests(api.seen).length === 2);
    assert.equal(events, ['add a@5', 'add b@6', 'delete b@6', 'add c@40']);
    assert.is(listRequests(api.seen).length, 2);
    assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '50');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('a watch answered 410 relists too', async () => {
  const api = await startFakeApiServer(
    scripted(
      [
        (res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] }),
        (res) => json(res, 200, { metadata: { resourceVersion: '70' }, items: [] }),
      ],
      [(res) => status(res, 410, 'Expired', 'too old resource version')],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { watchQuery: BOOKMARKS });
    const events = recorder(informer);
    await informer.start();
    await until('the relist', () => watchRequests(api.seen).length === 2);
    assert.equal(events, [], 'a 410 is no error');
    assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '70');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('a failed watch is reported and resumed from the last resourceVersion after a back-off', async () => {
  const api = await startFakeApiServer(
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '1' }, items: [] })],
      [(res) => status(res, 500, 'InternalError', 'boom'), (res) => status(res, 403, 'Forbidden', 'no')],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: FAST_BACKOFF });
    const events = recorder(informer);
    await informer.start();
    await until('the third watch', () => watchRequests(api.seen).length === 3);
    assert.equal(events, ['error 500', 'error 403']);
    assert.equal(
      watchRequests(api.seen).map((r) => r.query['resourceVersion']),
      ['1', '1', '1'],
    );
    assert.is(listRequests(api.seen).length, 1, 'a failed watch does not relist');
    assert.ok(informer.hasSynced());
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('a silent watch is ended and resumed from the same resourceVersion without a relist', async () => {
  const api = await startFakeApiServer(
    scripted([(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })], [holdOpen]),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { idleMs: 80 });
    const events = recorder(informer);
    await informer.start();
    await until('the renewed watch', () => watchRequests(api.seen).length === 2);
    assert.is(watchRequests(api.seen)[1]?.query['resourceVersion'], '10');
    assert.is(listRequests(api.seen).length, 1);
    assert.equal(events, [], 'a timeout is no error');
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('stop ends the watch without an error event and without reconnecting', async () => {
  const api = await startFakeApiServer(
    scripted([(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })], [holdOpen]),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { watchQuery: BOOKMARKS });
    const events = recorder(informer);
    await informer.start();
    await until('the watch', () => watchRequests(api.seen).length === 1);
    await informer.stop();
    await sleep(100);
    assert.equal(events, []);
    assert.is(watchRequests(api.seen).length, 1);
  } finally {
    await api.close();
  }
});

test('cached and announced objects carry no managedFields', async () => {
  const managed = (o: Obj) => ({
    ...o,
    metadata: { ...o.metadata, managedFields: [{ manager: 'kubectl' }] },
  });
  const api = await startFakeApiServer(
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [managed(obj('a', '5'))] })],
      [
        (res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(line('ADDED', managed(obj('b', '11'))));
          res.write(line('DELETED', managed(obj('a', '12'))));
        },
      ],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH);
    const announced: Obj[] = [];
    informer.on('change', (o) => announced.push(o));
    await informer.start();
    await until('three events', () => announced.length === 3);
    assert.equal(
      announced.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`),
      ['a@5', 'b@11', 'a@12'],
    );
    for (const o of [...announced, ...informer.list()]) assert.not.ok('managedFields' in o.metadata);
    await informer.stop();
  } finally {
    await api.close();
  }
});

test.run();
