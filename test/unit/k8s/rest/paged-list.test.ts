// LISTs in pages of `limit` items followed by `continue`; an expired continue token starts the whole list over, so
// the items come from one snapshot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusCodeOf } from '../../../../src/k8s/errors.ts';
import { listAllPages } from '../../../../src/k8s/rest/paged-list.ts';
import { json, startFakeApiServer, status, type SeenRequest } from '../../../support/fake-apiserver.ts';
import type { ServerResponse } from 'node:http';

const page = (res: ServerResponse, rv: string, names: string[], next?: string) =>
  json(res, 200, {
    metadata: { resourceVersion: rv, ...(next ? { continue: next } : {}) },
    items: names.map((name) => ({ metadata: { name } })),
  });

async function listWith(answers: Array<(res: ServerResponse, req: SeenRequest) => void>) {
  const api = await startFakeApiServer((req, res) => answers.shift()?.(res, req));
  try {
    const result = await listAllPages<{ metadata: { name: string } }>(api.client(), '/api/v1/pods', {
      query: { labelSelector: 'a=b' },
      pageSize: 2,
    }).catch((e: unknown) => e);
    return { result, seen: api.seen.map((r) => r.query) };
  } finally {
    await api.close();
  }
}

test('pages are read with limit and continue and joined, at the last page resourceVersion', async () => {
  const { result, seen } = await listWith([
    (res) => page(res, '9', ['a', 'b'], 't1'),
    (res) => page(res, '9', ['c']),
  ]);
  assert.equal(result, {
    items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }, { metadata: { name: 'c' } }],
    resourceVersion: '9',
  });
  assert.equal(seen, [
    { labelSelector: 'a=b', limit: '2' },
    { labelSelector: 'a=b', limit: '2', continue: 't1' },
  ]);
});

test('an expired continue token (410) restarts the full list', async () => {
  const { result, seen } = await listWith([
    (res) => page(res, '9', ['a', 'b'], 't1'),
    (res) => status(res, 410, 'Expired', 'The provided continue parameter is too old'),
    (res) => page(res, '30', ['a', 'x'], 't2'),
    (res) => page(res, '30', ['y']),
  ]);
  assert.equal(
    (result as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name),
    ['a', 'x', 'y'],
    'no item of the expired snapshot is kept',
  );
  assert.is((result as { resourceVersion: string }).resourceVersion, '30');
  assert.equal(
    seen.map((q) => q['continue']),
    [undefined, 't1', undefined, 't2'],
  );
});

test('a 410 on the first page is no expired token: it surfaces', async () => {
  const { result, seen } = await listWith([(res) => status(res, 410, 'Gone', 'gone')]);
  assert.is(statusCodeOf(result), 410);
  assert.is(seen.length, 1);
});

test.run();
