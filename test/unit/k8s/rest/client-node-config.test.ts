// Kubeconfig settings only @kubernetes/client-node honours (an OIDC auth provider, impersonation, a proxy) are
// loaded through it, and the REST client sends what it applies; plain kubeconfigs stay on the lean reader.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planKubeconfigReader } from '../../../../src/k8s/rest/kubeconfig-support.ts';
import { readKubeconfigFiles } from '../../../../src/k8s/rest/kubeconfig-file.ts';
import { createRestClient } from '../../../../src/k8s/rest/rest-client.ts';
import { json, startFakeApiServer } from '../../../support/fake-apiserver.ts';
import { withDir } from '../../../support/temp-dir.ts';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
// an unsigned id-token that expires in an hour: client-node sends it as it is until then
const ID_TOKEN = `${b64url({ alg: 'none' })}.${b64url({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;

function kubeconfig(dir: string, cluster: string, user: string): string {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      'current-context: c',
      `clusters: [{ name: k, cluster: ${cluster} }]`,
      `users: [{ name: u, user: ${user} }]`,
      'contexts: [{ name: c, context: { cluster: k, user: u, namespace: team } }]',
    ].join('\n'),
  );
  return file;
}

test('planKubeconfigReader: lean for tokens, certificates and exec; client-node for providers, proxy and "as"', () => {
  assert.is(planKubeconfigReader({ server: 's', 'certificate-authority-data': 'x' }, { token: 't' }), 'lean');
  assert.is(planKubeconfigReader({ server: 's' }, { exec: { command: 'c' } }), 'lean');
  assert.is(planKubeconfigReader({ server: 's' }, { 'auth-provider': { name: 'oidc' } }), 'client-node');
  assert.is(planKubeconfigReader({ server: 's', 'proxy-url': 'http://127.0.0.1:3128' }, {}), 'client-node');
  assert.is(planKubeconfigReader({ server: 's' }, { token: 't', as: 'alice' }), 'client-node');
  assert.throws(
    () => planKubeconfigReader({ server: 's' }, { 'as-uid': '1' }),
    /user setting "as-uid" is not supported/,
  );
  assert.throws(
    () => planKubeconfigReader({ server: 's', foo: 1 }, {}),
    /cluster setting "foo" is not supported/,
  );
});

test(
  'an OIDC user with impersonation: client-node supplies the id-token and Impersonate-User on every request',
  withDir(async (dir) => {
    const api = await startFakeApiServer((_req, res) => json(res, 200, { ok: 1 }));
    try {
      const file = kubeconfig(
        dir,
        `{ server: "${api.url}/", insecure-skip-tls-verify: true }`,
        `{ as: alice, auth-provider: { name: oidc, config: { client-id: c, idp-issuer-url: "https://127.0.0.1:1", id-token: "${ID_TOKEN}" } } }`,
      );
      const config = await readKubeconfigFiles([file]);
      assert.is(config.server, api.url);
      assert.is(config.namespace, 'team');
      assert.is(config.agent, undefined, 'no proxy: the REST client keeps its own pool');
      await createRestClient(config).request({ path: '/api/v1/namespaces' });
      const seen = api.seen[0];
      assert.is(seen?.headers['authorization'], `Bearer ${ID_TOKEN}`);
      assert.is(seen?.headers['impersonate-user'], 'alice');
    } finally {
      await api.close();
    }
  }),
);

test(
  "a proxy-url gives the REST client client-node's proxy agent",
  withDir(async (dir) => {
    const file = kubeconfig(
      dir,
      '{ server: "https://127.0.0.7:6443", proxy-url: "http://127.0.0.1:3128" }',
      '{ token: t }',
    );
    const config = await readKubeconfigFiles([file]);
    assert.ok(config.agent, 'an agent that speaks to the proxy');
    assert.is(await config.authorization(), 'Bearer t');
  }),
);

test.run();
