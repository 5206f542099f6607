// The operator's write paths as the API server sees them: server-side apply with the field manager and force,
// status apply, merge patches, deletes with preconditions and events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createKubeClient, FIELD_MANAGER } from '../../../src/k8s/kube-client.ts';
import { json, startFakeApiServer, status, type SeenRequest } from '../../support/fake-apiserver.ts';

const last = (seen: readonly SeenRequest[]): SeenRequest => {
  const r = seen.at(-1);
  if (!r) throw new Error('no request seen');
  return r;
};

test('apply is a server-side apply PATCH with the field manager and force', async () => {
  const api = await startFakeApiServer((req, res) =>
    json(res, 200, { ...(req.body as object), applied: true }),
  );
  try {
    const kube = createKubeClient(api.client('fallback'));
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'example', namespace: 'aurora' },
      spec: { replicas: 3 },
    };
    const answer = await kube.apply(sts);
    assert.is((answer as { applied?: boolean }).applied, true);
    const req = last(api.seen);
    assert.is(req.method, 'PATCH');
    assert.is(req.path, '/apis/apps/v1/namespaces/aurora/statefulsets/example');
    assert.equal(req.query, { fieldManager: FIELD_MANAGER, force: 'true' });
    assert.is(req.headers['content-type'], 'application/apply-patch+yaml');
    assert.equal(req.body, sts);
    // an object without a namespace goes to the configured one, as client-node's object API did
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    assert.is(last(api.seen).path, '/api/v1/namespaces/fallback/configmaps/c');
  } finally {
    await api.close();
  }
});

test('applyStatus, mergePatch, delete and recordEvent: paths, content types and bodies', async () => {
  const api = await startFakeApiServer((req, res) =>
    req.method === 'DELETE' && req.path.endsWith('/gone')
      ? status(res, 404, 'NotFound', 'pods "gone" not found')
      : json(res, 200, {}),
  );
  try {
    const kube = createKubeClient(api.client(), 'test-component');
    const ref = {
      apiVersion: 'aurora.apache.org/v1alpha1',
      kind: 'AuroraCluster',
      namespace: 'ns',
      name: 'c1',
    };
    await kube.applyStatus(ref, { phase: 'Ready' });
    let req = last(api.seen);
    assert.is(req.path, '/apis/aurora.apache.org/v1alpha1/namespaces/ns/auroraclusters/c1/status');
    assert.is(req.headers['content-type'], 'application/apply-patch+yaml');
    assert.equal(req.query, { fieldManager: FIELD_MANAGER, force: 'true' });
    assert.equal(req.body, {
      ...{ apiVersion: ref.apiVersion, kind: ref.kind },
      metadata: { name: 'c1', namespace: 'ns' },
      status: { phase: 'Ready' },
    });

    await kube.mergePatch(ref, { metadata: { labels: { a: 'b' }, name: 'ignored' } });
    req = last(api.seen);
    assert.is(req.method, 'PATCH');
    assert.is(req.path, '/apis/aurora.apache.org/v1alpha1/namespaces/ns/auroraclusters/c1');
    assert.is(req.headers['content-type'], 'application/merge-patch+json');
    assert.equal(req.query, { fieldManager: FIELD_MANAGER });
    assert.equal((req.body as { metadata: unknown }).metadata, {
      labels: { a: 'b' },
      name: 'c1',
      namespace: 'ns',
    });

    const pod = { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'p-0' };
    assert.is(await kube.delete(pod, { uid: 'uid-1', gracePeriodSeconds: 0 }), true);
    req = last(api.seen);
    assert.is(req.method, 'DELETE');
    assert.is(req.path, '/api/v1/namespaces/ns/pods/p-0');
    assert.equal(req.query, { gracePeriodSeconds: '0' });
    assert.equal(req.body, { preconditions: { uid: 'uid-1' } });
    assert.is(await kube.delete({ ...pod, name: 'gone' }), false, 'a missing object counts as deleted');
    assert.is(last(api.seen).body, undefined);

    await kube.recordEvent({ regarding: { ...ref, uid: 'u' }, type: 'Warning', reason: 'R', message: 'm' });
    req = last(api.seen);
    assert.is(req.method, 'POST');
    assert.is(req.path, '/api/v1/namespaces/ns/events');
    const event = req.body as Record<string, unknown>;
    assert.equal(event['involvedObject'], {
      ...{ apiVersion: ref.apiVersion, kind: ref.kind },
      name: 'c1',
      namespace: 'ns',
      uid: 'u',
    });
    assert.equal(event['source'], { component: 'test-component' });
    assert.match(String(event['firstTimestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  } finally {
    await api.close();
  }
});

test.run();
