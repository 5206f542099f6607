// The dispatcher loads only the command it runs: the backup-agent sidecar, in every scheduler pod, must never pay
// for @kubernetes/client-node (about 80 MiB RSS) or zod. Each case runs in a fresh Node process, since this one
// has loaded everything already.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../../../src/cli.ts';

const CLI_URL = new URL('../../../src/cli.ts', import.meta.url).href;

/** dispatch runs main(args) in a child process and returns its exit code and every module URL it resolved. */
function dispatch(
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): { code: number; loaded: string[] } {
  // a resolve hook sees every import, of the project's files and of packages' own files alike
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
    const { main } = await import(${JSON.stringify(CLI_URL)});
    const io = { stdout() {}, stderr() {}, readFile: async () => '', readStdin: async () => '' };
    const code = await main(${JSON.stringify(args)}, io);
    process.stdout.write(JSON.stringify({ code, loaded }));
  `;
  const env = { ...process.env, ...extraEnv };
  // without these the agent command returns at once, after its module graph has loaded
  delete env['AGENT_TOKEN'];
  delete env['BACKUP_DIR'];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env });
  return JSON.parse(out.toString()) as { code: number; loaded: string[] };
}

const has = (loaded: readonly string[], fragment: string): boolean =>
  loaded.some((url) => url.includes(fragment));

test('backup-agent loads its command but neither client-node nor zod', () => {
  const { code, loaded } = dispatch(['backup-agent']);
  assert.is(code, 2, 'the agent refuses to start without AGENT_TOKEN and BACKUP_DIR');
  assert.ok(has(loaded, '/src/cli/backup-agent-command.ts'), 'the hook saw the agent command load');
  assert.ok(has(loaded, '/src/agent/agent-server.ts'), 'the hook saw the agent server load');
  assert.not.ok(has(loaded, '/@kubernetes/client-node/'), '@kubernetes/client-node was loaded');
  assert.not.ok(has(loaded, '/node_modules/zod/'), 'zod was loaded');
});

test("run loads the whole operator but not client-node on the lean path: the operator's REST layer replaces it", () => {
  // a kubeconfig that does not exist stops the operator at its first Kubernetes step, after every import
  const { code, loaded } = dispatch(['run'], {
    KUBECONFIG: '/nonexistent/aurora-operator-test-kubeconfig',
  });
  assert.is(code, 1);
  assert.ok(has(loaded, '/src/main.ts'), 'the hook saw main.ts load');
  assert.ok(has(loaded, '/src/controller/operator-informers.ts'), 'the hook saw the informers load');
  assert.ok(has(loaded, '/src/cluster/controller.ts'), 'the hook saw the cluster controller load');
  assert.ok(has(loaded, '/src/restore/controller.ts'), 'the hook saw the restore controller load');
  assert.not.ok(has(loaded, '/@kubernetes/client-node/'), '@kubernetes/client-node was loaded');
});

test('run out of a pod loads client-node only for kubeconfig settings the lean reader does not honour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-commands-'));
  try {
    const file = join(dir, 'config');
    // a proxy needs client-node; the unsupported server scheme then stops the operator right after loading it
    writeFileSync(
      file,
      [
        'current-context: c',
        'clusters: [{ name: k, cluster: { server: "ftp://127.0.0.1:1", proxy-url: "http://127.0.0.1:1" } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: c, context: { cluster: k, user: u } }]',
      ].join('\n'),
    );
    const { code, loaded } = dispatch(['run'], { KUBECONFIG: file });
    assert.is(code, 1);
    assert.ok(has(loaded, '/src/k8s/rest/client-node-config.ts'));
    assert.ok(has(loaded, '/@kubernetes/client-node/'), '@kubernetes/client-node was not loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage loads no command module', () => {
  const { code, loaded } = dispatch(['--help']);
  assert.is(code, 0);
  assert.equal(
    loaded.filter((url) => url.includes('-command.ts')),
    [],
  );
});

test('an unknown command, even an Object.prototype name, is refused without loading anything', () => {
  const { code, loaded } = dispatch(['toString']);
  assert.is(code, 2);
  assert.not.ok(has(loaded, '-command.ts'));
});

test("each command's summary in the dispatcher's table is the command's own", async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = await entry.load();
    assert.is(entry.summary, command.summary, name);
  }
});

test.run();
