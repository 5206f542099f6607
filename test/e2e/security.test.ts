// Least privilege and secrecy on the real local environment: `kubectl auth can-i --list` for the operator's
// ServiceAccount in both install modes, no ZooKeeper credential in any output, and a namespaced install that
// reconciles only the namespaces it watches.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { helm } from '../world/local-env/kubectl.ts';
import { OPERATOR_NAMESPACE, REPO_ROOT } from '../world/local-env/local-env.ts';
import {
  conditionOf,
  getCluster,
  holdsFor,
  startE2eEnv,
  waitFor,
  type E2eEnv,
  SCHEDULERS,
} from './harness.ts';

const SA = `system:serviceaccount:${OPERATOR_NAMESPACE}:aurora-operator`;
const NS = 'aurora';
const WATCHED = 'sec-b';
const UNWATCHED = 'sec-other';
const PASSWORD = randomBytes(12).toString('hex');
const CREDENTIALS = `aurora:${PASSWORD}`;

const test = suite<{ env?: E2eEnv }>('security', {});

test.before(async (ctx) => {
  ctx.env = await startE2eEnv('127.0.3.16');
  for (const ns of [NS, WATCHED, UNWATCHED]) await ctx.env.kubectl(['create', 'namespace', ns]);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

/** `Resources  Non-Resource URLs  Resource Names  Verbs` rows, as `resource nonResource names verbs` strings. */
async function canIList(e: E2eEnv, namespace: string): Promise<string[]> {
  const out = await e.kubectl(['auth', 'can-i', '--list', `--as=${SA}`, '-n', namespace]);
  return out
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => (line.startsWith('[') ? `- ${line}` : line).split(/\s{2,}|\s(?=\[)/).join(' '))
    .sort();
}

// what every authenticated account may do, whatever the chart grants
const BASELINE = [
  '- [/.well-known/openid-configuration/] [] [get]',
  '- [/.well-known/openid-configuration] [] [get]',
  '- [/api/*] [] [get]',
  '- [/api] [] [get]',
  '- [/apis/*] [] [get]',
  '- [/apis] [] [get]',
  '- [/healthz] [] [get]',
  '- [/healthz] [] [get]',
  '- [/livez] [] [get]',
  '- [/livez] [] [get]',
  '- [/openapi/*] [] [get]',
  '- [/openapi] [] [get]',
  '- [/openid/v1/jwks/] [] [get]',
  '- [/openid/v1/jwks] [] [get]',
  '- [/readyz] [] [get]',
  '- [/readyz] [] [get]',
  '- [/version/] [] [get]',
  '- [/version/] [] [get]',
  '- [/version] [] [get]',
  '- [/version] [] [get]',
  'selfsubjectreviews.authentication.k8s.io [] [] [create]',
  'selfsubjectaccessreviews.authorization.k8s.io [] [] [create]',
  'selfsubjectrulesreviews.authorization.k8s.io [] [] [create]',
];

// the chart's operator rules (templates/_helpers.tpl), as can-i lists them
const OPERATOR = [
  'auroraclusters.aurora-operator.io [] [] [get list watch patch update]',
  // create: the Offline restore of a cluster bootstrapped from a backup (docs/backups.md)
  'aurorarestores.aurora-operator.io [] [] [get list watch create patch update]',
  'auroraclusters.aurora-operator.io/status [] [] [get patch update]',
  'aurorarestores.aurora-operator.io/status [] [] [get patch update]',
  'auroraclusters.aurora-operator.io/finalizers [] [] [update]',
  'aurorarestores.aurora-operator.io/finalizers [] [] [update]',
  'statefulsets.apps [] [] [get list watch create patch update delete]',
  'configmaps [] [] [get list watch create patch update delete]',
  'services [] [] [get list watch create patch update delete]',
  // create: the throwaway pod of a rehearsal restore (docs/security.md)
  'pods [] [] [get list watch create patch delete]',
  'persistentvolumeclaims [] [] [get list watch patch]',
  'secrets [] [] [get list watch create]',
  'events [] [] [create patch]',
  'poddisruptionbudgets.policy [] [] [get list watch create patch update delete]',
  'networkpolicies.networking.k8s.io [] [] [get list watch create patch delete]',
];

const LEASE = [
  'leases.coordination.k8s.io [] [] [create]',
  'leases.coordination.k8s.io [] [aurora-operator-leader] [get update]',
];

async function isReady(e: E2eEnv, namespace: string): Promise<boolean> {
  return conditionOf(await getCluster(e, namespace, 'example'), 'Ready')?.status === 'True';
}

function assertList(actual: string[], expected: string[], what: string): void {
  assert.equal(actual, [...expected].sort(), `${what}:\n${actual.join('\n')}`);
}

test('all-namespaces install: the ClusterRole everywhere, the Lease only in the release namespace', async (ctx) => {
  const e = env(ctx);
  // cluster-wide only: the kube-system namespace UID names the Kubernetes cluster in ZooKeeper markers
  const identity = ['namespaces [] [kube-system] [get]'];
  assertList(await canIList(e, UNWATCHED), [...BASELINE, ...OPERATOR, ...identity], UNWATCHED);
  assertList(
    await canIList(e, OPERATOR_NAMESPACE),
    [...BASELINE, ...OPERATOR, ...identity, ...LEASE],
    OPERATOR_NAMESPACE,
  );
});

/** every place a credential could leak to, except Secrets and the scheduler's own log (Aurora prints its flags) */
async function outputs(e: E2eEnv): Promise<Record<string, string>> {
  const logsRoot = join(e.state.stateDir, 'pods', 'logs');
  const logs: string[] = [];
  for (const pod of readdirSync(logsRoot)) {
    for (const container of readdirSync(join(logsRoot, pod)).filter((c) => c !== 'scheduler')) {
      const dir = join(logsRoot, pod, container);
      for (const f of readdirSync(dir)) logs.push(readFileSync(join(dir, f), 'utf8'));
    }
  }
  const podIPs = (
    await e.kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'jsonpath={.items[*].status.podIP}'])
  )
    .split(' ')
    .filter(Boolean);
  assert.ok(podIPs.length > 0, 'scheduler pods have IPs');
  const vars: string[] = [];
  for (const ip of podIPs) {
    for (const path of ['/vars', '/vars.json'])
      vars.push(await (await fetch(`http://${ip}:8081${path}`)).text());
  }
  const proc: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    for (const file of ['cmdline', 'environ']) {
      try {
        proc.push(readFileSync(join('/proc', pid, file), 'utf8').replaceAll('\0', ' '));
      } catch {
        // processes that exited meanwhile
      }
    }
  }
  return {
    'operator and pod logs (not the scheduler container)': logs.join('\n'),
    'operator runtime log files': readdirSync(join(e.state.stateDir, 'logs'))
      .map((f) => readFileSync(join(e.state.stateDir, 'logs', f), 'utf8'))
      .join('\n'),
    events: await e.kubectl(['get', 'events', '-A', '-o', 'json']),
    'AuroraCluster and AuroraRestore objects': await e.kubectl([
      'get',
      'auroraclusters,aurorarestores',
      '-A',
      '-o',
      'json',
    ]),
    'pod, StatefulSet and ConfigMap specs': await e.kubectl([
      'get',
      'pods,statefulsets,configmaps',
      '-A',
      '-o',
      'json',
    ]),
    'scheduler /vars': vars.join('\n'),
    'argv and environment of every process': proc.join('\n'),
  };
}

test('ZooKeeper digest credentials appear in no log, event, status, pod spec, /vars, argv or environment', async (ctx) => {
  const e = env(ctx);
  await e.kubectl([
    '-n',
    NS,
    'create',
    'secret',
    'generic',
    'zk-digest',
    `--from-literal=credentials=${CREDENTIALS}`,
  ]);
  const manifest = e
    .exampleManifest()
    .replace('replicas: 3', 'replicas: 1')
    .replace(
      '    sessionTimeout: 15secs',
      '    sessionTimeout: 15secs\n    digestCredentialsSecret:\n      name: zk-digest',
    );
  assert.match(manifest, 'digestCredentialsSecret');
  await e.kubectl(['apply', '-f', '-'], manifest);
  await waitFor('the cluster with credentials Ready', 240_000, async () => isReady(e, NS));
  // positive control: the scheduler did get the value, from the file its @argument names
  const scheduler = e.podLogs(NS, 'example-0', 'scheduler');
  assert.match(scheduler, CREDENTIALS, 'Aurora logs its parameters, so the value reached it');
  assert.not.match(scheduler, 'Running without ZooKeeper digest credentials');
  const all = await outputs(e);
  assert.match(
    all['argv and environment of every process'] ?? '',
    '-zk_digest_credentials @/etc/aurora-operator/zk-digest/credentials',
  );
  const forms = [
    PASSWORD,
    Buffer.from(CREDENTIALS).toString('base64'),
    Buffer.from(PASSWORD).toString('base64'),
  ];
  for (const [where, text] of Object.entries(all)) {
    assert.ok(text.length > 0, `${where} collected`);
    for (const form of forms) assert.not.ok(text.includes(form), `the credential appears in ${where}`);
  }
});

test('namespaced install: Roles in the watched namespaces only, and only they are reconciled', async (ctx) => {
  const e = env(ctx);
  await helm(e.ctx, [
    'upgrade',
    'aurora-operator',
    join(REPO_ROOT, 'charts', 'aurora-operator'),
    '--namespace',
    OPERATOR_NAMESPACE,
    '--reuse-values',
    '--set',
    `watchNamespaces={${NS},${WATCHED}}`,
  ]);
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'rollout',
    'status',
    'deploy/aurora-operator',
    '--timeout=180s',
  ]);
  assertList(await canIList(e, WATCHED), [...BASELINE, ...OPERATOR], WATCHED);
  assertList(await canIList(e, UNWATCHED), BASELINE, UNWATCHED);
  assertList(await canIList(e, OPERATOR_NAMESPACE), [...BASELINE, ...LEASE], OPERATOR_NAMESPACE);
  // can-i prints `no` and exits 1 when the answer is no
  const clusterWide = await e
    .kubectl(['auth', 'can-i', 'get', 'secrets', '--all-namespaces', `--as=${SA}`])
    .catch((err: unknown) => (err as { stdout?: string }).stdout ?? String(err));
  assert.is(clusterWide.trim(), 'no');

  // outside /aurora: the credentials cluster created it with a digest ACL that only it may write under
  const own = (ns: string) =>
    e
      .exampleManifest()
      .replace(`namespace: ${NS}`, `namespace: ${ns}`)
      .replace('replicas: 3', 'replicas: 1')
      .replace('serversetPath: /aurora/scheduler', `serversetPath: /${ns}/scheduler`)
      .replace('zkGroupPath: /aurora/replicated-log', `zkGroupPath: /${ns}/replicated-log`);
  await e.kubectl(['apply', '-f', '-'], own(WATCHED));
  await e.kubectl(['apply', '-f', '-'], own(UNWATCHED));
  await waitFor(`the cluster in ${WATCHED} Ready under the Roles alone`, 240_000, async () =>
    isReady(e, WATCHED),
  );
  assert.ok(await isReady(e, NS), 'the credentials cluster stays Ready');
  await holdsFor(`the cluster in ${UNWATCHED} untouched`, 10_000, async () => {
    const c = await getCluster(e, UNWATCHED, 'example');
    const sts = await e.kubectl(['-n', UNWATCHED, 'get', 'statefulsets', '-o', 'name']);
    return c.status === undefined && sts.trim() === '';
  });
});

test('restricted Pod Security: every rendered manifest passes a server dry-run, and the operator pod restarts under it', async (ctx) => {
  const e = env(ctx);
  // enforce, not only warn: a pod the operator's Deployment creates from now on must meet the restricted level
  await e.kubectl([
    'label',
    '--overwrite',
    'namespace',
    OPERATOR_NAMESPACE,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/enforce-version=latest',
  ]);
  const rendered = await helm(e.ctx, [
    'template',
    'aurora-operator',
    join(REPO_ROOT, 'charts', 'aurora-operator'),
    '--namespace',
    OPERATOR_NAMESPACE,
    // offline rendering assumes an old Kubernetes; the local environment runs this one
    '--kube-version',
    '1.35.4',
  ]);
  const accepted = await e.kubectl(
    ['apply', '--dry-run=server', '-n', OPERATOR_NAMESPACE, '-f', '-'],
    rendered,
  );
  assert.match(accepted, 'deployment.apps/aurora-operator');
  assert.match(accepted, '(server dry run)');
  const before = (
    await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'])
  )
    .split(' ')
    .filter(Boolean);
  assert.ok(before.length > 0, 'operator pods exist');
  await e.kubectl(['-n', OPERATOR_NAMESPACE, 'delete', 'pod', ...before, '--wait=false']);
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'rollout',
    'status',
    'deploy/aurora-operator',
    '--timeout=180s',
  ]);
  const pods = JSON.parse(await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'json'])) as {
    items: Array<{
      metadata: { name: string };
      spec: {
        containers: Array<{ securityContext?: { readOnlyRootFilesystem?: boolean; runAsUser?: number } }>;
      };
    }>;
  };
  const fresh = pods.items.filter((p) => !before.includes(p.metadata.name));
  assert.ok(fresh.length > 0, 'new operator pods were admitted under the restricted level');
  for (const p of fresh) {
    assert.is(p.spec.containers[0]?.securityContext?.readOnlyRootFilesystem, true);
    assert.is(p.spec.containers[0]?.securityContext?.runAsUser, 65532);
  }
});

test.run();
