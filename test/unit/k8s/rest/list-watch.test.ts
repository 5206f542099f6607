// The informer against a scripted API server: LIST then WATCH with bookmarks, events split across chunks, resume
// from the last resourceVersion, 410 Gone relists, failures reported as 'error', and a quiet watch renewed.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ListWatch } from '../../../../src/k8s/rest/list-watch.ts';
import { json, startFakeApiServer, status, type SeenRequest } from '../../../support/fake-apiserver.ts';

interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string };
  data?: string;
}

const obj = (name: string, rv: string, data?: string): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  ...(data ? { data } : {}),
});
const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
const PATH = '/api/v1/namespaces/ns/configmaps';
const BOOKMARKS = { allowWatchBookmarks: true };

/** a watch answer: writes the chunks, then ends the stream unless told to hold it open */
type WatchScript = (res: ServerResponse) => Promise<void> | void;

function scripted(lists: Array<(res: ServerResponse) => void>, watches: WatchScript[]) {
  return async (req: SeenRequest, res: ServerResponse) => {
    const next = req.query['watch'] === 'true' ? watches.shift() : lists.shift();
    if (!next) return; // nothing scripted: hold the request open
    await next(res);
  };
}

function recorder(informer: ListWatch<Obj>) {
  const events: string[] = [];
  for (const verb of ['add', 'update', 'delete'] as const)
    informer.on(verb, (o) => events.push(`${verb} ${o.metadata.name}@${o.metadata.resourceVersion}`));
  informer.on('error', (err) => events.push(`error ${(err as { code?: number }).code ?? String(err)}`));
  return events;
}

async function until(what: string, cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const watchRequests = (seen: readonly SeenRequest[]) => seen.filter((r) => r.query['watch'] === 'true');
const listRequests = (seen: readonly SeenRequest[]) => seen.filter((r) => r.query['watch'] !== 'true');

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
    assert.equal(list?.query, { labelSelector: 'app=x', fieldSelector: 'metadata.name!=z' });
    const [first, second] = watchRequests(api.seen);
    assert.equal(first?.query, {
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: '10',
      labelSelector: 'app=x',
      fieldSelector: 'metadata.name!=z',
    });
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

test('a failed list or watch is reported as an error and stops the informer', async () => {
  const api = await startFakeApiServer(
    scripted(
      [
        (res) => status(res, 403, 'Forbidden', 'no'),
        (res) => json(res, 200, { metadata: { resourceVersion: '1' }, items: [] }),
      ],
      [(res) => status(res, 500, 'InternalError', 'boom')],
    ),
  );
  try {
    const informer = new ListWatch<Obj>(api.client(), PATH, { watchQuery: BOOKMARKS });
    const events = recorder(informer);
    const connects: number[] = [];
    informer.on('connect', () => connects.push(1));
    await informer.start(); // resolves: the failure is an event
    assert.equal(events, ['error 403']);
    assert.is(watchRequests(api.seen).length, 0);
    await informer.start();
    await until('the watch error', () => events.length === 2);
    assert.equal(events, ['error 403', 'error 500']);
    await sleep(50);
    assert.is(watchRequests(api.seen).length, 1, 'no retry: the supervisor restarts it');
    assert.is(connects.length, 2);
    await informer.stop();
  } finally {
    await api.close();
  }
});

test('a silent watch is ended and resumed from the same resourceVersion without a relist', async () => {
  const api = await startFakeApiServer(
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })],
      [(res) => void res.writeHead(200).flushHeaders()],
    ),
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
    scripted(
      [(res) => json(res, 200, { metadata: { resourceVersion: '10' }, items: [] })],
      [(res) => void res.writeHead(200).flushHeaders()],
    ),
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
