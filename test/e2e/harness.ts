// Shared set-up for e2e suites: a whole local environment in a temporary directory, and small waiting helpers.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { kubectl, type ToolContext } from '../world/local-env/kubectl.ts';
import { REPO_ROOT, startLocalEnv, stopLocalEnv, type LocalEnvState } from '../world/local-env/local-env.ts';
import { createLogger } from '../../src/log.ts';
import { StopWaiting, waitFor } from '../support/wait-for.ts';
import { OPERATOR_LOG_SOURCE, podLogTails, waitForWithLogs } from './operator-log-harness.ts';

export { StopWaiting, waitFor, waitForWithLogs };

export interface E2eEnv {
  state: LocalEnvState;
  ctx: ToolContext;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /** the project's kubectl plugin (`bin/kubectl-aurora`) against this environment's API server; its stdout */
  kubectlAurora(args: readonly string[]): Promise<string>;
  // the example manifest with the test environment's ZooKeeper instead of the demo's address
  exampleManifest(): string;
  podLogs(namespace: string, pod: string, container: string): string;
  /** the last lines of both operator replicas through `kubectl logs --tail`, the leading one marked */
  operatorLogs(tailLines: number): Promise<string>;
  pvcDir(namespace: string, claim: string): string;
  /** sends a signal to a container's whole process group, e.g. SIGSTOP to hang a scheduler, SIGKILL to kill it */
  signalContainer(namespace: string, pod: string, container: string, signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** Selects the scheduler pods only: a rehearsal restore's throwaway pod may come and go in the namespace. */
export const SCHEDULERS = 'app.kubernetes.io/component=scheduler';

// Each suite passes its own ZooKeeper address and pod subnet so that suites and a running demo never collide.
export async function startE2eEnv(
  zookeeperHost: string,
  podSubnet = 20 + Number(zookeeperHost.split('.')[3] ?? 0),
): Promise<E2eEnv> {
  const stateDir = mkdtempSync(join(tmpdir(), 'aurora-e2e-'));
  const state = await startLocalEnv({
    stateDir,
    zookeeperHost,
    installOperator: true,
    operatorReplicas: 2,
    podSubnet,
    log: createLogger('e2e-env', process.env['E2E_LOG_LEVEL'] ?? 'warn'),
  });
  const ctx = { binDir: state.binDir, kubeconfigPath: state.kubeconfigPath };
  return {
    state,
    ctx,
    kubectl: (args, input) => kubectl(ctx, args, input),
    kubectlAurora: async (args) =>
      (
        await promisify(execFile)(join(REPO_ROOT, 'bin', 'kubectl-aurora'), args, {
          env: { ...process.env, KUBECONFIG: ctx.kubeconfigPath },
        })
      ).stdout,
    exampleManifest: () =>
      readFileSync(join(REPO_ROOT, 'examples', 'aurora-cluster.yaml'), 'utf8').replaceAll(
        '127.0.3.1:2181',
        state.zookeeper,
      ),
    podLogs(namespace, pod, container) {
      const root = join(stateDir, 'pods', 'logs');
      const dirs = readdirSync(root).filter((d) => d.startsWith(`${namespace}_${pod}_`));
      return dirs
        .flatMap((d) => {
          const dir = join(root, d, container);
          try {
            return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
          } catch {
            return [];
          }
        })
        .join('\n');
    },
    operatorLogs: (tailLines) => podLogTails((args) => kubectl(ctx, args), OPERATOR_LOG_SOURCE, tailLines),
    pvcDir: (namespace, claim) => join(stateDir, 'pods', 'volumes', 'pvc', namespace, claim),
    async signalContainer(namespace, pod, container, signal) {
      const uid = await kubectl(ctx, ['-n', namespace, 'get', 'pod', pod, '-o', 'jsonpath={.metadata.uid}']);
      // the pod runtime records each container's process group id under run/<pod uid>/<container>.pid
      const pgid = Number(
        readFileSync(join(stateDir, 'pods', 'run', uid.trim(), `${container}.pid`), 'utf8'),
      );
      if (!Number.isInteger(pgid) || pgid <= 1)
        throw new Error(`no process group recorded for ${pod}/${container}`);
      process.kill(-pgid, signal);
    },
    async stop() {
      await stopLocalEnv(state);
      // each environment leaves about 80 MiB of images, volumes and logs; AURORA_E2E_KEEP=1 keeps them to read
      if (process.env['AURORA_E2E_KEEP'] !== '1') rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** holdsFor checks that a condition holds at every probe over a whole window, not at one instant. */
export async function holdsFor(what: string, windowMs: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + windowMs;
  let checks = 0;
  while (Date.now() < end || checks < 2) {
    if (!(await probe())) throw new Error(`${what} stopped holding after ${checks} checks`);
    checks++;
    await sleep(1000);
  }
}

export interface ClusterJson {
  status?: {
    phase?: string;
    leader?: string;
    readyReplicas?: number;
    replicatedLog?: { initialized?: boolean };
    members?: Array<{ name: string; logRecovered?: boolean; healthy?: boolean }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

export async function getCluster(env: E2eEnv, namespace: string, name: string): Promise<ClusterJson> {
  return JSON.parse(
    await env.kubectl(['-n', namespace, 'get', 'auroracluster', name, '-o', 'json']),
  ) as ClusterJson;
}

export function conditionOf(cluster: ClusterJson, type: string) {
  return cluster.status?.conditions?.find((c) => c.type === type);
}
