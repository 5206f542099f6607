// The Lease store's requests against a stand-in API server: GET, POST and PUT of one Lease, MicroTimes with six
// fractional digits, and 404/409 answers turned into "absent" and LeaseConflictError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLeaseStore, LeaseConflictError } from '../../../src/controller/lease-store.ts';
import { json, startFakeApiServer, status } from '../../support/fake-apiserver.ts';

const record = {
  holderIdentity: 'op-1',
  leaseDurationSeconds: 15,
  acquireTime: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  renewTime: Date.UTC(2026, 0, 2, 3, 4, 6, 1),
  leaseTransitions: 2,
};

test('get, create and replace: paths, bodies and MicroTimes', async () => {
  let stored: unknown;
  const api = await startFakeApiServer((req, res) => {
    if (req.method === 'GET')
      return stored ? json(res, 200, stored) : status(res, 404, 'NotFound', 'leases "l" not found');
    const body = req.body as { metadata: Record<string, unknown> };
    stored = { ...body, metadata: { ...body.metadata, resourceVersion: '7' } };
    json(res, req.method === 'POST' ? 201 : 200, stored);
  });
  try {
    const store = createLeaseStore(api.client(), 'ops', 'l');
    assert.is(await store.get(), undefined);
    const created = await store.create(record);
    const post = api.seen[1];
    assert.is(post?.method, 'POST');
    assert.is(post?.path, '/apis/coordination.k8s.io/v1/namespaces/ops/leases');
    const spec = (post?.body as { spec: Record<string, unknown> }).spec;
    assert.is(spec['acquireTime'], '2026-01-02T03:04:05.678000Z');
    assert.is(spec['renewTime'], '2026-01-02T03:04:06.001000Z');
    assert.equal(created, { resourceVersion: '7', record });
    await store.replace({ ...record, holderIdentity: '' }, '7');
    const put = api.seen[2];
    assert.is(put?.method, 'PUT');
    assert.is(put?.path, '/apis/coordination.k8s.io/v1/namespaces/ops/leases/l');
    assert.equal((put?.body as { metadata: unknown }).metadata, {
      name: 'l',
      namespace: 'ops',
      resourceVersion: '7',
    });
    assert.not.ok('holderIdentity' in (put?.body as { spec: object }).spec);
    assert.equal((await store.get())?.record.holderIdentity, '');
  } finally {
    await api.close();
  }
});

test('a conflict or a Lease deleted under the writer is a LeaseConflictError; other failures pass through', async () => {
  const api = await startFakeApiServer((req, res) => {
    if (req.method === 'POST') return status(res, 409, 'AlreadyExists', 'exists');
    if (req.method === 'PUT') return status(res, 404, 'NotFound', 'gone');
    status(res, 500, 'InternalError', 'boom');
  });
  try {
    const store = createLeaseStore(api.client(), 'ops', 'l');
    assert.instance(await store.create(record).catch((e: unknown) => e), LeaseConflictError);
    assert.instance(await store.replace(record, '1').catch((e: unknown) => e), LeaseConflictError);
    const err = await store.get().catch((e: unknown) => e);
    assert.not.instance(err, LeaseConflictError);
    assert.is((err as { code?: number }).code, 500);
  } finally {
    await api.close();
  }
});

test.run();
