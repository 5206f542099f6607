// The client configuration from kubeconfig files (tokens, client certificates, CA data or files, insecure,
// namespace, several files) and the service-account token re-read as it rotates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { b64, withDir } from '../../../support/temp-dir.ts';
import { readKubeconfigFiles } from '../../../../src/k8s/rest/kubeconfig-file.ts';
import { tokenFileReader } from '../../../../src/k8s/rest/kube-config.ts';

test(
  'a kubeconfig with a token, CA data and the context namespace',
  withDir(async (dir) => {
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: work',
        'clusters:',
        '- name: other',
        '  cluster: { server: https://127.0.0.9:1 }',
        '- name: main',
        `  cluster: { server: "https://127.0.0.2:6443/", certificate-authority-data: ${b64('CA PEM')} }`,
        'users:',
        '- name: admin',
        '  user: { token: abc123 }',
        'contexts:',
        '- name: work',
        '  context: { cluster: main, user: admin, namespace: team-a }',
      ].join('\n'),
    );
    const kc = await readKubeconfigFiles([file]);
    assert.is(kc.server, 'https://127.0.0.2:6443');
    assert.is(kc.namespace, 'team-a');
    assert.is(kc.ca?.toString(), 'CA PEM');
    assert.is(kc.cert, undefined);
    assert.is(kc.insecureSkipTlsVerify, false);
    assert.is(kc.authorization(), 'Bearer abc123');
  }),
);

test(
  'client certificate and key files relative to the kubeconfig, a CA file, insecure-skip-tls-verify, no namespace',
  withDir(async (dir) => {
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki', 'client.crt'), 'CERT');
    writeFileSync(join(dir, 'pki', 'client.key'), 'KEY');
    writeFileSync(join(dir, 'pki', 'ca.crt'), 'CA');
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'current-context: c',
        'clusters:',
        '- name: k',
        '  cluster:',
        '    server: https://127.0.0.3:6443',
        '    certificate-authority: pki/ca.crt',
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: u',
        '  user: { client-certificate: pki/client.crt, client-key: pki/client.key }',
        'contexts:',
        '- name: c',
        '  context: { cluster: k, user: u }',
      ].join('\n'),
    );
    const kc = await readKubeconfigFiles([file]);
    assert.is(kc.cert?.toString(), 'CERT');
    assert.is(kc.key?.toString(), 'KEY');
    assert.is(kc.ca?.toString(), 'CA');
    assert.is(kc.insecureSkipTlsVerify, true);
    assert.is(kc.namespace, 'default');
    assert.is(kc.authorization(), undefined);
  }),
);

test(
  'several KUBECONFIG files: the first current-context and the first entry of each name win',
  withDir(async (dir) => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, 'current-context: two\nusers:\n- name: u\n  user: { token: from-a }\n');
    writeFileSync(
      b,
      [
        'current-context: one',
        'clusters:',
        '- name: k',
        '  cluster: { server: https://127.0.0.4:6443 }',
        'users:',
        '- name: u',
        '  user: { token: from-b }',
        'contexts:',
        '- name: two',
        '  context: { cluster: k, user: u, namespace: two }',
      ].join('\n'),
    );
    const kc = await readKubeconfigFiles([a, b]);
    assert.is(kc.namespace, 'two');
    assert.is(kc.authorization(), 'Bearer from-a');
  }),
);

test(
  'a setting no reader honours is refused by name; exec users run their plugin (a relative command from the kubeconfig dir)',
  withDir(async (dir) => {
    const file = join(dir, 'config');
    const write = (user: string, cluster = '{ server: "https://127.0.0.5:6443" }') =>
      writeFileSync(
        file,
        [
          'current-context: c',
          `clusters: [{ name: k, cluster: ${cluster} }]`,
          `users: [{ name: u, user: ${user} }]`,
          'contexts: [{ name: c, context: { cluster: k, user: u } }]',
        ].join('\n'),
      );
    write('{ token: t, as: alice, as-groups: [admins] }');
    const err = await readKubeconfigFiles([file]).catch((e: unknown) => e);
    assert.match(String(err), /kubeconfig user setting "as-groups" is not supported/);
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'plugin.sh'), `#!/bin/sh\necho '{"status":{"token":"from-plugin"}}'\n`, {
      mode: 0o755,
    });
    write(
      '{ exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/plugin.sh } }',
      '{ server: "https://127.0.0.5:6443", tls-server-name: api.internal }',
    );
    const kc = await readKubeconfigFiles([file]);
    assert.is(kc.tlsServerName, 'api.internal');
    assert.is(await kc.authorization(), 'Bearer from-plugin');
  }),
);

test(
  'a rotated service-account token is read again within a minute',
  withDir(async (dir) => {
    const path = join(dir, 'token');
    writeFileSync(path, 'first');
    let now = 1_000_000;
    const token = tokenFileReader(path, () => now);
    assert.is(token(), 'first');
    writeFileSync(path, 'second');
    now += 30_000;
    assert.is(token(), 'first', 'cached for a minute');
    now += 30_000;
    assert.is(token(), 'second');
  }),
);

test.run();
