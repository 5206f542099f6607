// A kubeconfig user's exec credential plugin: run on first use with KUBERNETES_EXEC_INFO and the configured env,
// its token reused until shortly before it expires, a certificate answer refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execTokenReader } from '../../../../src/k8s/rest/exec-credential.ts';

// the plugin counts its runs in a file and answers with the token and expiry the test put in its env
const PLUGIN = `
const fs = require('node:fs');
const runs = Number(fs.existsSync(process.env.RUNS_FILE) ? fs.readFileSync(process.env.RUNS_FILE, 'utf8') : 0) + 1;
fs.writeFileSync(process.env.RUNS_FILE, String(runs));
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
const status = process.env.ANSWER === 'cert'
  ? { clientCertificateData: 'CERT', clientKeyData: 'KEY' }
  : { token: 'tok-' + runs + '-' + info.kind, expirationTimestamp: process.env.EXPIRES };
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status }));
`;

function withPlugin(run: (dir: string, plugin: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-credential-test-'));
    try {
      writeFileSync(join(dir, 'plugin.cjs'), PLUGIN);
      run(dir, join(dir, 'plugin.cjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'the token is reused until shortly before its expiry, then the plugin runs again',
  withPlugin((dir, plugin) => {
    const runs = join(dir, 'runs');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const env = [
      { name: 'RUNS_FILE', value: runs },
      { name: 'EXPIRES', value: '2026-01-01T00:15:00Z' },
    ];
    const token = execTokenReader({ command: process.execPath, args: [plugin], env }, dir, () => now);
    assert.is(token(), 'tok-1-ExecCredential');
    now += 10 * 60_000;
    assert.is(token(), 'tok-1-ExecCredential');
    assert.is(readFileSync(runs, 'utf8'), '1');
    now += 5 * 60_000 - 5_000; // within the margin before expiry
    assert.is(token(), 'tok-2-ExecCredential');
  }),
);

test(
  'a plugin that answers with a client certificate is refused',
  withPlugin((dir, plugin) => {
    const env = [
      { name: 'RUNS_FILE', value: join(dir, 'runs') },
      { name: 'ANSWER', value: 'cert' },
    ];
    const token = execTokenReader({ command: process.execPath, args: [plugin], env }, dir);
    assert.throws(() => token(), /client certificate, which is not supported/);
  }),
);

test.run();
