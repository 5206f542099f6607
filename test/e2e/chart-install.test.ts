// The chart as users install it: the local environment's release is replaced by `helm install` from the archive
// `helm package` makes; both replicas run, `kubectl logs` shows their log with the leader marked, and
// `aurora-operator check-install` (what `helm test` runs in the cluster) passes against a ready replica, and fails once a
// CRD is gone.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../support/wait-for.ts';
import { helm, kubectl, type ToolContext } from '../world/local-env/kubectl.ts';
import { OPERATOR_NAMESPACE as NS, REPO_ROOT } from '../world/local-env/local-env.ts';
import { startE2eEnv, type E2eEnv } from './harness.ts';

let env: E2eEnv | undefined;
let ctx: ToolContext;

interface PodList {
  items: Array<{
    metadata: { name: string };
    status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
  }>;
}

/** check-install as the test pod runs it, from the host: the kubeconfig stands in for the pod's service account. */
async function checkInstall(url: string): Promise<{ code: number; out: string }> {
  const bin = join(REPO_ROOT, 'bin', 'aurora-operator');
  const env = { ...process.env, KUBECONFIG: ctx.kubeconfigPath };
  return promisify(execFile)(bin, ['check-install', '--url', url], { env }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (err: { code?: number; stderr?: string }) => ({ code: err.code ?? -1, out: err.stderr ?? '' }),
  );
}

test.before(async () => {
  env = await startE2eEnv('127.0.3.35');
  ctx = env.ctx;
  await helm(ctx, ['uninstall', 'aurora-operator', '--namespace', NS, '--wait']);
});

test.after(async () => {
  await env?.stop();
});

test('helm install from the packaged .tgz: CRDs, two replicas, and check-install passes', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'chart-dist-'));
  await helm(ctx, ['package', join(REPO_ROOT, 'charts', 'aurora-operator'), '--destination', dist]);
  const [archive] = readdirSync(dist);
  assert.match(archive ?? '', /^aurora-operator-\d+\.\d+\.\d+\.tgz$/);
  await helm(ctx, [
    'install',
    '--wait',
    'aurora-operator',
    join(dist, archive ?? ''),
    '--namespace',
    NS,
    '--create-namespace',
    '--set',
    'image.pullPolicy=IfNotPresent',
  ]);
  const release = await helm(ctx, ['list', '--namespace', NS, '-o', 'json']);
  assert.match(release, /"chart":"aurora-operator-\d+\.\d+\.\d+"/);
  assert.match(release, /"status":"deployed"/);
  const crds = await kubectl(ctx, ['get', 'crd', '-o', 'jsonpath={.items[*].metadata.name}']);
  assert.equal(crds.trim().split(' ').sort(), [
    'auroraclusters.aurora-operator.io',
    'aurorarestores.aurora-operator.io',
  ]);

  // a ready replica's pod IP stands in for the Service, which needs cluster DNS in a pod
  const leaderIp = await waitFor('a ready operator replica', 180_000, async () => {
    const pods = JSON.parse(
      await kubectl(ctx, [
        '-n',
        NS,
        'get',
        'pods',
        '-l',
        'app.kubernetes.io/name=aurora-operator',
        '-o',
        'json',
      ]),
    ) as PodList;
    assert.ok(pods.items.length <= 2, 'no test pod is counted as an operator replica');
    const ready = pods.items.find((p) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return ready?.status?.podIP;
  });
  // the harness's failure log: both replicas through kubectl logs, the Lease holder marked once one holds it (the
  // uninstalled release's Lease must expire first)
  const tails = await waitFor('a Lease holder among the replicas', 120_000, async () => {
    const out = await (env as E2eEnv).operatorLogs(5);
    return / \(leader\): /.test(out) ? out : undefined;
  });
  assert.is(tails.match(/^--- aurora-operator-\S+( \(leader\))?: last \d+ lines ---$/gm)?.length, 2, tails);
  assert.is(tails.match(/ \(leader\): /g)?.length, 1, tails);

  const passed = await checkInstall(`http://${leaderIp}:8080/readyz`);
  assert.is(passed.code, 0, passed.out);
  assert.match(passed.out, /^ok {3}the operator answers \/readyz/m);
  assert.match(passed.out, /^ok {3}the API server serves auroraclusters and aurorarestores/m);

  // helm renders the test hook from the archive as well
  const manifest = await helm(ctx, ['get', 'hooks', 'aurora-operator', '-n', NS]);
  assert.match(manifest, 'helm.sh/hook: test');
  assert.match(manifest, `http://aurora-operator.${NS}.svc:8080/readyz`);

  // an upgrade with a values file written for the chart that still had the memory reclaim: accepted, nothing
  // rolled out, and the notes say the key is ignored
  const deployment = [
    '-n',
    NS,
    'get',
    'deployment',
    'aurora-operator',
    '-o',
    'jsonpath={.metadata.generation}',
  ];
  const generation = await kubectl(ctx, deployment);
  const upgraded = await helm(ctx, [
    'upgrade',
    '--wait',
    'aurora-operator',
    join(dist, archive ?? ''),
    '--namespace',
    NS,
    '--reuse-values',
    '--set',
    'memoryReclaim.enabled=false,memoryReclaim.checkIntervalMs=30000,memoryReclaim.softLimitMiB=128',
  ]);
  assert.match(upgraded, /REVISION: 2/);
  assert.match(upgraded, /WARNING: memoryReclaim is set but no longer used/);
  assert.is(await kubectl(ctx, deployment), generation, 'the Deployment is unchanged');

  // the same check fails, naming the CRD, once it is gone
  await kubectl(ctx, ['delete', 'crd', 'aurorarestores.aurora-operator.io', '--wait=true']);
  const failed = await waitFor('check-install to notice the missing CRD', 30_000, async () => {
    const r = await checkInstall(`http://${leaderIp}:8080/readyz`);
    return r.code === 1 ? r : undefined;
  });
  assert.match(failed.out, 'FAIL the API server does not serve aurorarestores');
});

test.run();
