// The REST client's requests as the API server sees them (paths, query, credentials) and its errors as
// src/k8s/errors.ts reads them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiErrorMessage, isConflict, isNotFound, statusCodeOf } from '../../../../src/k8s/errors.ts';
import { KubeApiError } from '../../../../src/k8s/rest/api-error.ts';
import { pluralOf, resourcePath } from '../../../../src/k8s/rest/resource-path.ts';
import { json, startFakeApiServer, status, type SeenRequest } from '../../../support/fake-apiserver.ts';

const last = (seen: readonly SeenRequest[]): SeenRequest => {
  const r = seen.at(-1);
  if (!r) throw new Error('no request seen');
  return r;
};

test('a GET sends the token and query and parses the JSON answer', async () => {
  const api = await startFakeApiServer((_req, res) => json(res, 200, { metadata: { uid: 'u-1' } }));
  try {
    const client = api.client('ns1', 'secret-token');
    const answer = await client.request<{ metadata: { uid: string } }>({
      path: '/api/v1/namespaces/kube-system',
      query: { labelSelector: 'a=b', limit: 5, skipped: undefined },
    });
    assert.is(answer.metadata.uid, 'u-1');
    const req = last(api.seen);
    assert.is(req.method, 'GET');
    assert.is(req.path, '/api/v1/namespaces/kube-system');
    assert.equal(req.query, { labelSelector: 'a=b', limit: '5' });
    assert.is(req.headers['authorization'], 'Bearer secret-token');
    assert.is(req.headers['accept'], 'application/json');
    assert.is(req.headers['content-type'], undefined);
    assert.is(client.namespace, 'ns1');
  } finally {
    await api.close();
  }
});

test('a non-2xx answer rejects with code and raw body, as the error helpers read them', async () => {
  const api = await startFakeApiServer((req, res) =>
    req.path.endsWith('/missing')
      ? status(res, 404, 'NotFound', 'secrets "missing" not found')
      : status(res, 409, 'Conflict', 'the object has been modified'),
  );
  try {
    const client = api.client();
    const notFound = await client
      .request({ path: '/api/v1/namespaces/a/secrets/missing' })
      .catch((e: unknown) => e);
    assert.instance(notFound, KubeApiError);
    assert.ok(isNotFound(notFound));
    assert.is(statusCodeOf(notFound), 404);
    assert.is(typeof (notFound as KubeApiError).body, 'string');
    assert.is(apiErrorMessage(notFound), 'secrets "missing" not found');
    const conflict = await client
      .request({ method: 'PUT', path: '/api/v1/namespaces/a/secrets/x', body: {} })
      .catch((e: unknown) => e);
    assert.ok(isConflict(conflict));
    assert.not.ok(isNotFound(conflict));
  } finally {
    await api.close();
  }
});

test('resource paths and plurals of the kinds the operator writes', () => {
  assert.is(resourcePath({ apiVersion: 'v1', plural: 'pods' }), '/api/v1/pods');
  assert.is(
    resourcePath({ apiVersion: 'policy/v1', plural: 'poddisruptionbudgets', namespace: 'a', name: 'b' }),
    '/apis/policy/v1/namespaces/a/poddisruptionbudgets/b',
  );
  const plurals = [
    'Pod',
    'NetworkPolicy',
    'Service',
    'AuroraCluster',
    'AuroraRestore',
    'Ingress',
    'PersistentVolumeClaim',
  ];
  assert.equal(plurals.map(pluralOf), [
    'pods',
    'networkpolicies',
    'services',
    'auroraclusters',
    'aurorarestores',
    'ingresses',
    'persistentvolumeclaims',
  ]);
});

test('a request the server never answers fails after the timeout', async () => {
  const api = await startFakeApiServer(() => undefined);
  try {
    const { createRestClient } = await import('../../../../src/k8s/rest/rest-client.ts');
    const client = createRestClient(
      { server: api.url, namespace: 'default', insecureSkipTlsVerify: false, authorization: () => undefined },
      { timeoutMs: 100 },
    );
    const err = await client.request({ path: '/api/v1/pods' }).catch((e: unknown) => e);
    assert.instance(err, Error);
    assert.is(statusCodeOf(err), undefined);
    assert.is(last(api.seen).headers['authorization'], undefined);
  } finally {
    await api.close();
  }
});

test.run();
