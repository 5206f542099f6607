// spec.version at admission on a real API server (no operator, no pods): a fork plugin flag is accepted for the
// versions that have it and refused, naming the field, for 0.22.0; going back from the fork to 0.22.0 needs
// spec.acknowledgeDowngrade; the chart's admission policy warns when the image tag names another version.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.ts';
import { waitFor } from '../support/wait-for.ts';
import { startControlPlane, type ControlPlane } from '../world/local-env/control-plane.ts';
import { helm, kubectl, type ToolContext } from '../world/local-env/kubectl.ts';
import { REPO_ROOT } from '../world/local-env/local-env.ts';

const NS = 'versions';
const PLUGIN_FLAG = '-http_offer_set_endpoint=http://127.0.0.1:9090';
const root = mkdtempSync(join(tmpdir(), 'version-admission-'));
let cp: ControlPlane | undefined;
let ctx: ToolContext;

function manifest(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name, namespace: NS },
    spec: {
      clusterName: name,
      replicas: 3,
      zookeeper: { endpoints: ['127.0.3.1:2181'] },
      mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos' },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
      ...spec,
    },
  });
}

/** kubectl apply's answer: 'ok', or the API server's refusal as kubectl prints it. */
function apply(name: string, spec: Record<string, unknown>): Promise<string> {
  return kubectl(ctx, ['apply', '-f', '-'], manifest(name, spec)).then(
    () => 'ok',
    (err: unknown) => String((err as { stderr?: string }).stderr ?? err),
  );
}

/** kubectl apply that must succeed; resolves to its stderr, where kubectl prints the API server's warnings. */
async function applyStderr(name: string, spec: Record<string, unknown>): Promise<string> {
  const child = promisify(execFile)(join(ctx.binDir, 'kubectl'), [
    '--kubeconfig',
    ctx.kubeconfigPath,
    'apply',
    '-f',
    '-',
  ]);
  child.child.stdin?.end(manifest(name, spec));
  return (await child).stderr;
}

test.before(async () => {
  cp = await startControlPlane({
    stateDir: join(root, 'control-plane'),
    log: createLogger('version-admission', process.env['LOG_LEVEL'] ?? 'warn'),
  });
  ctx = { binDir: cp.binDir, kubeconfigPath: cp.kubeconfigPath };
  await kubectl(ctx, ['apply', '-f', join(REPO_ROOT, 'crds')]);
  await kubectl(ctx, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  await kubectl(ctx, ['create', 'namespace', NS]);
});

test.after(async () => {
  await cp?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('a fork plugin flag is accepted with spec.version 0.27.0 and refused on 0.22.0, naming the field', async () => {
  assert.is(
    await apply('fork', { version: '0.27.0', image: 'aurora-scheduler:0.27.0', extraArgs: [PLUGIN_FLAG] }),
    'ok',
  );
  const refused = await apply('apache', { version: '0.22.0', extraArgs: [PLUGIN_FLAG] });
  assert.match(refused, /spec\.extraArgs: Invalid value/);
  assert.match(refused, 'plugin flags of Aurora 0.24.0, 0.24.2, 0.25.0, 0.26.0, 0.27.0 only');
  // without spec.version the image tag decides
  assert.is(await apply('tagged', { image: 'aurora-scheduler:0.25.0', extraArgs: [PLUGIN_FLAG] }), 'ok');
});

test('going back from a fork version to 0.22.0 is refused until spec.acknowledgeDowngrade is true', async () => {
  assert.is(await apply('downgrade', { version: '0.27.0', image: 'aurora-scheduler:0.27.0' }), 'ok');
  const refused = await apply('downgrade', { version: '0.22.0', image: 'aurora-scheduler:0.22.0' });
  assert.match(refused, 'needs spec.acknowledgeDowngrade: true');
  assert.match(refused, 'ipAddr');
  // the version read from the image tag counts too: a free-form tag means 0.22.0
  assert.match(await apply('downgrade', { image: 'aurora-scheduler:dev' }), 'spec.acknowledgeDowngrade');
  assert.is(
    await apply('downgrade', {
      version: '0.22.0',
      image: 'aurora-scheduler:0.22.0',
      acknowledgeDowngrade: true,
    }),
    'ok',
  );
  // upgrades and changes within the fork need nothing
  assert.is(await apply('upgrade', { image: 'aurora-scheduler:0.22.0' }), 'ok');
  assert.is(await apply('upgrade', { version: '0.24.0', image: 'aurora-scheduler:0.24.0' }), 'ok');
  assert.is(await apply('upgrade', { version: '0.27.0', image: 'aurora-scheduler:0.27.0' }), 'ok');
});

test("the chart's admission policy warns, and still admits, when the image tag names another version", async () => {
  const policy = await helm(ctx, [
    'template',
    'rel',
    join(REPO_ROOT, 'charts', 'aurora-operator'),
    '--kube-version',
    '1.35.4',
    '--show-only',
    'templates/image-version-policy.yaml',
  ]);
  await kubectl(ctx, ['apply', '-f', '-'], policy);
  // a new object each try: kubectl sends nothing for an unchanged object, so a repeated apply would never warn
  let tries = 0;
  const warned = await waitFor(
    'the policy to warn (it is active a moment after it is created)',
    30_000,
    async () => {
      tries++;
      const stderr = await applyStderr(`mismatch-${tries}`, {
        version: '0.27.0',
        image: 'aurora-scheduler:0.22.0',
      });
      return stderr.includes('Warning:') ? stderr : undefined;
    },
  );
  assert.match(
    warned,
    'ImageVersionMismatch: spec.image aurora-scheduler:0.22.0 is tagged with another Aurora version than spec.version 0.27.0',
  );
  const stored = await kubectl(ctx, [
    '-n',
    NS,
    'get',
    'auroracluster',
    `mismatch-${tries}`,
    '-o',
    'jsonpath={.spec.image}',
  ]);
  assert.is(stored, 'aurora-scheduler:0.22.0', 'admitted: tags are free-form');
  for (const [name, spec] of [
    ['agree', { version: '0.27.0', image: 'aurora-scheduler:0.27.0' }],
    ['pinned', { version: '0.24.2', image: 'registry.example:5000/s:0.24.2@sha256:abc' }],
    ['free-tag', { version: '0.27.0', image: 'aurora-scheduler:fork-build-7' }],
    ['no-version', { image: 'aurora-scheduler:0.25.0' }],
  ] as const) {
    assert.not.match(await applyStderr(name, spec), 'Warning:', name);
  }
});

test.run();
