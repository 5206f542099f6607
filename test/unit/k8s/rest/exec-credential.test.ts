// A kubeconfig user's exec credential plugin: run on first use with KUBERNETES_EXEC_INFO and the configured env,
// without blocking the event loop, its token reused until shortly before it expires or until refresh(), a
// certificate answer refused; and a 401 runs it again once before the request is sent a second time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusCodeOf } from '../../../../src/k8s/errors.ts';
import { execTokenReader } from '../../../../src/k8s/rest/exec-credential.ts';
import { createRestClient } from '../../../../src/k8s/rest/rest-client.ts';
import { json, startFakeApiServer, status } from '../../../support/fake-apiserver.ts';

// the plugin counts its runs in a file and answers with the token and expiry the test put in its env
const PLUGIN = `
const fs = require('node:fs');
const runs = Number(fs.existsSync(process.env.RUNS_FILE) ? fs.readFileSync(process.env.RUNS_FILE, 'utf8') : 0) + 1;
fs.writeFileSync(process.env.RUNS_FILE, String(runs));
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
const status = process.env.ANSWER === 'cert'
  ? { clientCertificateData: 'CERT', clientKeyData: 'KEY' }
  : { token: 'tok-' + runs + '-' + info.kind, expirationTimestamp: process.env.EXPIRES };
setTimeout(() => process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status })), Number(process.env.DELAY_MS ?? 0));
`;

function withPlugin(run: (dir: string, plugin: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-credential-test-'));
    try {
      writeFileSync(join(dir, 'plugin.cjs'), PLUGIN);
      await run(dir, join(dir, 'plugin.cjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'the token is reused until shortly before its expiry, then the plugin runs again',
  withPlugin(async (dir, plugin) => {
    const runs = join(dir, 'runs');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const env = [
      { name: 'RUNS_FILE', value: runs },
      { name: 'EXPIRES', value: '2026-01-01T00:15:00Z' },
    ];
    const source = execTokenReader({ command: process.execPath, args: [plugin], env }, dir, () => now);
    assert.is(await source.token(), 'tok-1-ExecCredential');
    now += 10 * 60_000;
    assert.is(await source.token(), 'tok-1-ExecCredential');
    assert.is(readFileSync(runs, 'utf8'), '1');
    now += 5 * 60_000 - 5_000; // within the margin before expiry
    assert.is(await source.token(), 'tok-2-ExecCredential');
    source.refresh();
    assert.is(await source.token(), 'tok-3-ExecCredential', 'refresh runs the plugin again');
  }),
);

test(
  'the plugin runs without blocking the event loop, once for concurrent callers',
  withPlugin(async (dir, plugin) => {
    const env = [
      { name: 'RUNS_FILE', value: join(dir, 'runs') },
      { name: 'DELAY_MS', value: '300' },
    ];
    const source = execTokenReader({ command: process.execPath, args: [plugin], env }, dir);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const tokens = await Promise.all([source.token(), source.token()]);
      assert.equal(tokens, ['tok-1-ExecCredential', 'tok-1-ExecCredential']);
    } finally {
      clearInterval(ticker);
    }
    assert.ok(ticks >= 5, `timers ran ${ticks} times while the plugin ran`);
    assert.is(readFileSync(join(dir, 'runs'), 'utf8'), '1');
  }),
);

test(
  'a plugin that answers with a client certificate is refused',
  withPlugin(async (dir, plugin) => {
    const env = [
      { name: 'RUNS_FILE', value: join(dir, 'runs') },
      { name: 'ANSWER', value: 'cert' },
    ];
    const source = execTokenReader({ command: process.execPath, args: [plugin], env }, dir);
    const err = await source.token().catch((e: unknown) => e);
    assert.match(String(err), /client certificate, which is not supported/);
  }),
);

test('a 401 fetches the credential afresh and sends the request once more; a second 401 surfaces', async () => {
  let accepted = 'Bearer t2';
  const api = await startFakeApiServer((req, res) =>
    req.headers['authorization'] === accepted
      ? json(res, 200, { ok: 1 })
      : status(res, 401, 'Unauthorized', 'no'),
  );
  try {
    let issued = 0;
    let refreshes = 0;
    const client = createRestClient({
      server: api.url,
      namespace: 'default',
      insecureSkipTlsVerify: false,
      authorization: async () => `Bearer t${issued}`,
      refreshAuthorization: () => {
        refreshes++;
        issued++;
      },
    });
    issued = 1;
    assert.equal(
      await client.request({ method: 'POST', path: '/api/v1/x', body: {} }),
      { ok: 1 },
      'after a refresh',
    );
    assert.equal(
      api.seen.map((r) => r.headers['authorization']),
      ['Bearer t1', 'Bearer t2'],
    );
    accepted = 'never';
    const err = await client.request({ path: '/api/v1/x' }).catch((e: unknown) => e);
    assert.is(statusCodeOf(err), 401);
    assert.is(refreshes, 2, 'one refresh per request');
    assert.is(api.seen.length, 4);
  } finally {
    await api.close();
  }
});

test.run();
