// check-install (what the chart's `helm test` runs): exit 0 only when the operator answers /readyz and the API server
// serves both CRDs; otherwise exit 1 naming each failed check. A loopback server stands in for both.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './cli-fixture.ts';

interface World {
  ready: boolean;
  resources: string[];
}
const world: World = { ready: true, resources: [] };
let server: Server;
let base = '';

test.before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(world.ready ? 200 : 503).end(world.ready ? 'ok' : 'not leading');
    } else if (req.url === '/apis/aurora-operator.io/v1alpha1' && world.resources.length > 0) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'APIResourceList', resources: world.resources.map((name) => ({ name })) }),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'check-install-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'current-context: c',
      `clusters: [{ name: k, cluster: { server: "${base}" } }]`,
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: c, context: { cluster: k, user: u } }]',
    ].join('\n'),
  );
  process.env['KUBECONFIG'] = kubeconfig;
});

test.after(() => {
  delete process.env['KUBECONFIG'];
  server.close();
});

const checkInstall = (args: string[] = ['--url', `${base}/readyz`]) =>
  runCli(['check-install', ...args, '--timeout-ms', '3000']);

test('a ready operator and both CRDs served: exit 0, one ok line per check', async () => {
  Object.assign(world, {
    ready: true,
    resources: ['auroraclusters', 'auroraclusters/status', 'aurorarestores'],
  });
  const { code, out, err } = await checkInstall();
  assert.is(err, '');
  assert.is(code, 0);
  assert.match(out, /^ok {3}the operator answers \/readyz/m);
  assert.match(
    out,
    /^ok {3}the API server serves auroraclusters and aurorarestores \(aurora-operator.io\/v1alpha1\)$/m,
  );
});

test('no ready operator: exit 1 with its answer', async () => {
  Object.assign(world, { ready: false, resources: ['auroraclusters', 'aurorarestores'] });
  const { code, err } = await checkInstall();
  assert.is(code, 1);
  assert.match(err, "FAIL the operator's /readyz answered 503: not leading");
});

test('a CRD missing, or the group not served at all: exit 1 naming it', async () => {
  Object.assign(world, { ready: true, resources: ['auroraclusters'] });
  const one = await checkInstall();
  assert.is(one.code, 1);
  assert.match(one.err, 'FAIL the API server does not serve aurorarestores in aurora-operator.io/v1alpha1');
  Object.assign(world, { resources: [] });
  const none = await checkInstall();
  assert.is(none.code, 1);
  assert.match(
    none.err,
    /^FAIL the API server does not serve aurora-operator.io\/v1alpha1: the server could not find the requested resource \(are the CRDs installed\?\)$/m,
  );
});

test('nothing listening at the URL: exit 1; no or a bad --url: usage, exit 2', async () => {
  Object.assign(world, { ready: true, resources: ['auroraclusters', 'aurorarestores'] });
  const down = await checkInstall(['--url', 'http://127.0.0.1:1/readyz']);
  assert.is(down.code, 1);
  assert.match(down.err, "FAIL the operator's /readyz did not answer");
  assert.is((await checkInstall([])).code, 2);
  assert.is((await checkInstall(['--url', 'not a url'])).code, 2);
});

test.run();
