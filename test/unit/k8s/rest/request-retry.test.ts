// Requests sent again only when that is safe: a GET after a reset connection, anything throttled with 429 and a
// Retry-After after that many seconds; a write after a reset never.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusCodeOf } from '../../../../src/k8s/errors.ts';
import { planRetry, retryAfterMs } from '../../../../src/k8s/rest/request-retry.ts';
import { json, startFakeApiServer, status, type Handler } from '../../../support/fake-apiserver.ts';

const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

test('planRetry: GETs after a reset, twice; 429 with Retry-After, three times; never a write after a reset', () => {
  const none = { resets: 0, throttles: 0 };
  assert.is(planRetry('GET', { error: reset }, none), 0);
  assert.is(planRetry('GET', { error: reset }, { resets: 2, throttles: 0 }), undefined);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
    assert.is(planRetry(method, { error: reset }, none), undefined, method);
  assert.is(planRetry('GET', { error: new Error('certificate has expired') }, none), undefined);
  assert.is(planRetry('POST', { status: 429, headers: { 'retry-after': '2' } }, none), 2000);
  assert.is(
    planRetry('GET', { status: 429, headers: {} }, none),
    undefined,
    'no Retry-After: the 429 stands',
  );
  assert.is(
    planRetry('GET', { status: 429, headers: { 'retry-after': '1' } }, { resets: 0, throttles: 3 }),
    undefined,
  );
  assert.is(planRetry('GET', { status: 503, headers: { 'retry-after': '1' } }, none), undefined);
  assert.is(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), undefined);
  assert.is(retryAfterMs({ 'retry-after': '3600' }), 60_000, 'capped at a minute');
});

async function withApi(
  handler: Handler,
  check: (api: Awaited<ReturnType<typeof startFakeApiServer>>) => Promise<void>,
) {
  const api = await startFakeApiServer(handler);
  try {
    await check(api);
  } finally {
    await api.close();
  }
}

test('a 429 with Retry-After is sent again after that many seconds', () => {
  let calls = 0;
  return withApi(
    (_req, res) => {
      if (++calls > 1) return json(res, 200, { ok: true });
      res.setHeader('retry-after', '1');
      status(res, 429, 'TooManyRequests', 'slow down');
    },
    async (api) => {
      const started = Date.now();
      const answer = await api
        .client()
        .request<{ ok: boolean }>({ method: 'POST', path: '/api/v1/x', body: {} });
      assert.ok(answer.ok);
      assert.is(api.seen.length, 2);
      assert.ok(Date.now() - started >= 950, 'waited the second the server asked for');
    },
  );
});

test('a 429 without Retry-After surfaces at once', () =>
  withApi(
    (_req, res) => status(res, 429, 'TooManyRequests', 'slow down'),
    async (api) => {
      const err = await api
        .client()
        .request({ path: '/api/v1/x' })
        .catch((e: unknown) => e);
      assert.is(statusCodeOf(err), 429);
      assert.is(api.seen.length, 1);
    },
  ));

test('a GET whose connection is reset is sent again, twice at most; a write is not', () => {
  let resets = 1;
  return withApi(
    (req, res) => {
      if (req.method === 'GET' && resets-- <= 0 && !req.path.endsWith('/always'))
        return json(res, 200, { ok: 1 });
      res.socket?.destroy();
    },
    async (api) => {
      const client = api.client();
      assert.equal(await client.request({ path: '/api/v1/once' }), { ok: 1 });
      assert.is(api.seen.length, 2, 'one reset, one retry');
      const always = await client.request({ path: '/api/v1/always' }).catch((e: unknown) => e);
      assert.match(String(always), /socket hang up|ECONNRESET/);
      assert.is(api.seen.length, 5, 'the first try and two retries');
      const write = await client
        .request({ method: 'PUT', path: '/api/v1/w', body: {} })
        .catch((e: unknown) => e);
      assert.match(String(write), /socket hang up|ECONNRESET/);
      assert.is(api.seen.length, 6, 'a PUT is never resent after a reset');
    },
  );
});

test.run();
