// Where the client configuration comes from: KUBECONFIG, else ~/.kube/config, else the pod's service account, else
// an error (never client-node's fallback to localhost:8080).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { b64, withDir } from '../../support/temp-dir.ts';
import { loadKubeConfig } from '../../../src/k8s/load-kube-config.ts';
import { inClusterConfig } from '../../../src/k8s/rest/kube-config.ts';

test(
  "in a pod: the service account's token, CA and namespace, and the API server from the environment",
  withDir(async (dir) => {
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'SA CA');
    writeFileSync(join(dir, 'namespace'), 'aurora-operator');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.6', KUBERNETES_SERVICE_PORT: '6443' };
    const kc = await loadKubeConfig({ env, home: join(dir, 'nohome'), serviceAccountDir: dir });
    assert.is(kc.server, 'https://127.0.0.6:6443');
    assert.is(kc.namespace, 'aurora-operator');
    assert.is(kc.ca?.toString(), 'SA CA');
    assert.is(kc.authorization(), 'Bearer sa-token');
    const v6 = inClusterConfig({ KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    assert.is(v6.server, 'https://[::1]:443');
  }),
);

test(
  'no KUBECONFIG, no ~/.kube/config and no service account: an error instead of localhost:8080',
  withDir(async (dir) => {
    const err = await loadKubeConfig({ env: {}, home: dir, serviceAccountDir: join(dir, 'none') }).catch(
      (e: unknown) => e,
    );
    assert.match(String(err), /no Kubernetes configuration found/);
  }),
);

test(
  '~/.kube/config is used when KUBECONFIG is unset',
  withDir(async (dir) => {
    mkdirSync(join(dir, '.kube'));
    writeFileSync(
      join(dir, '.kube', 'config'),
      [
        'current-context: c',
        'clusters: [{ name: k, cluster: { server: "http://127.0.0.7:8080" } }]',
        'users: [{ name: u, user: { username: admin, password: pw } }]',
        'contexts: [{ name: c, context: { cluster: k, user: u } }]',
      ].join('\n'),
    );
    const kc = await loadKubeConfig({ env: {}, home: dir, serviceAccountDir: join(dir, 'none') });
    assert.is(kc.server, 'http://127.0.0.7:8080');
    assert.is(kc.authorization(), `Basic ${b64('admin:pw')}`);
  }),
);

test.run();
