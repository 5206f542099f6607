// `npm run demo`: brings the environment up, applies the example cluster and shows progress until it is Ready.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { envUp } from './env-up.ts';
import { kubectl, type ToolContext } from './kubectl.ts';
import { REPO_ROOT } from './local-env.ts';

interface ClusterView {
  status?: {
    phase?: string;
    readyReplicas?: number;
    leader?: string;
    conditions?: Array<{ type: string; status: string; message: string }>;
  };
}

function describe(view: ClusterView): string {
  const s = view.status ?? {};
  const waiting = (s.conditions ?? []).filter(
    (c) => c.type !== 'Progressing' && c.type !== 'Degraded' && c.status !== 'True',
  );
  const first = waiting.find((c) => c.type !== 'Ready') ?? waiting[0];
  return `phase=${s.phase ?? 'Pending'} ready=${s.readyReplicas ?? 0}/3 leader=${s.leader ?? '-'}${first ? ` | ${first.type}: ${first.message}` : ''}`;
}

async function waitUntilReady(ctx: ToolContext, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const json = await kubectl(ctx, ['-n', 'aurora', 'get', 'auroracluster', 'example', '-o', 'json']).catch(
      () => '{}',
    );
    const view = JSON.parse(json) as ClusterView;
    const line = describe(view);
    if (line !== last) process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);
    last = line;
    if (view.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return true;
    await sleep(2000);
  }
  return false;
}

const state = await envUp();
const ctx = { binDir: state.binDir, kubeconfigPath: state.kubeconfigPath };
await kubectl(ctx, ['create', 'namespace', 'aurora']).catch(() => '');
process.stdout.write(await kubectl(ctx, ['apply', '-f', join(REPO_ROOT, 'examples', 'aurora-cluster.yaml')]));
process.stdout.write('Waiting for the example cluster to become Ready:\n');
const ready = await waitUntilReady(ctx, 300_000);
process.stdout.write(await kubectl(ctx, ['-n', 'aurora', 'get', 'auroraclusters,pods']));
if (!ready) {
  process.stderr.write(
    'The example cluster did not become Ready within 5 minutes; see kubectl describe auroracluster.\n',
  );
  process.exitCode = 1;
} else {
  process.stdout.write(
    [
      '',
      'The example Aurora cluster is Ready. Try:',
      `  export KUBECONFIG=${state.kubeconfigPath}; export PATH=${state.binDir}:$PATH`,
      '  kubectl -n aurora get auroraclusters',
      '  kubectl -n aurora describe auroracluster example',
      '  kubectl -n aurora get pods -L aurora-operator.io/role',
      '  kubectl -n aurora describe pod example-0   # Image ID: every pod runs from a locally built image',
      '  kubectl -n aurora logs example-0 -c scheduler --tail=20',
      '  kubectl -n aurora logs -f example-0 -c scheduler   # follow; --previous shows the run before a restart',
      '  kubectl -n aurora logs example-0 -c log-init        # which log-init guard said what',
      '  kubectl -n aurora-operator logs -l app.kubernetes.io/name=aurora-operator --prefix --tail=20',
      'Stop everything with: npm run env:down',
      '',
    ].join('\n'),
  );
}
