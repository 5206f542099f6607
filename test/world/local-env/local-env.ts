// Brings up the whole local environment: control plane, ZooKeeper with a Mesos master entry, the pod runtime,
// and the operator installed with the project's Helm chart; everything runs detached and is recorded in a state file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../src/log.ts';
import { startControlPlane } from './control-plane.ts';
import { buildLocalImages } from './image-build.ts';
import { helm, kubectl, type ToolContext } from './kubectl.ts';
import { startObjectStore } from './object-store.ts';
import { isAlive, startDaemon, stopDaemon } from './processes.ts';
import { ensureMesosMaster, startZooKeeperDaemon } from './zookeeper.ts';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../src/..');
export const OPERATOR_NAMESPACE = 'aurora-operator';

export interface LocalEnvState {
  stateDir: string;
  server: string;
  kubeconfigPath: string;
  binDir: string;
  zookeeper: string;
  pids: Record<string, number>;
  /** the S3-compatible store (versitygw on loopback) when the environment runs one; its keys stay on this machine */
  objectStore?: {
    endpoint: string;
    bucket: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
}

export interface LocalEnvOptions {
  stateDir: string;
  zookeeperHost: string;
  zookeeperPort?: number;
  installOperator: boolean;
  operatorReplicas?: number;
  /** pods get 127.<podSubnet>.x.y; environments running side by side need different subnets */
  podSubnet?: number;
  /** fleet mode: one fleet-host process runs every scheduler and backup-agent container (benchmarks at scale) */
  fleet?: boolean;
  /** path of a kube-apiserver audit log (Metadata level); off when unset */
  auditLog?: string;
  /** run an S3-compatible object store for backups (built once by scripts/build-objectstore.sh) */
  objectStore?: boolean;
  log: Logger;
}

function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json');
}

export function readLocalEnvState(stateDir: string): LocalEnvState | undefined {
  const file = stateFile(stateDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalEnvState) : undefined;
}

async function waitForOperator(ctx: ToolContext, log: Logger): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const out = await kubectl(ctx, [
      '-n',
      OPERATOR_NAMESPACE,
      'get',
      'deploy',
      'aurora-operator',
      '-o',
      'jsonpath={.status.availableReplicas}',
    ]).catch(() => '');
    if (Number(out) >= 1) return;
    await sleep(1000);
  }
  log.error('The operator did not become available; see the pod runtime logs under the state directory');
  throw new Error('timed out waiting for the aurora-operator Deployment');
}

export async function installOperator(ctx: ToolContext, replicas: number, log: Logger): Promise<void> {
  log.info('Installing the operator with its Helm chart');
  await helm(ctx, [
    'upgrade',
    '--install',
    'aurora-operator',
    join(REPO_ROOT, 'charts', 'aurora-operator'),
    '--namespace',
    OPERATOR_NAMESPACE,
    '--create-namespace',
    '--set',
    `replicaCount=${replicas}`,
    '--set',
    'image.pullPolicy=IfNotPresent',
    '--set',
    'operator.probeTimeoutMs=2000',
  ]);
  await waitForOperator(ctx, log);
}

export async function startLocalEnv(opts: LocalEnvOptions): Promise<LocalEnvState> {
  const stateDir = resolve(opts.stateDir);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const { log } = opts;
  // every pod runs from an image in the local store; the build is skipped when its inputs are unchanged
  buildLocalImages();
  const pids: Record<string, number> = {};
  const cp = await startControlPlane({
    stateDir: join(stateDir, 'control-plane'),
    log,
    repoRoot: REPO_ROOT,
    ...(opts.auditLog === undefined ? {} : { auditLog: opts.auditLog }),
  });
  Object.assign(pids, cp.pids);
  const state: LocalEnvState = {
    stateDir,
    server: cp.server,
    kubeconfigPath: cp.kubeconfigPath,
    binDir: cp.binDir,
    zookeeper: '',
    pids,
  };
  const save = (): void => writeFileSync(stateFile(stateDir), JSON.stringify(state, null, 2));
  save();
  try {
    const zk = await startZooKeeperDaemon({
      host: opts.zookeeperHost,
      ...(opts.zookeeperPort ? { port: opts.zookeeperPort } : {}),
      dataDir: join(stateDir, 'zookeeper'),
      logFile: join(stateDir, 'logs', 'zookeeper.log'),
    });
    pids['zookeeper'] = zk.pid;
    state.zookeeper = zk.connectString;
    save();
    await ensureMesosMaster(zk.connectString, '/mesos');
    log.info({ zookeeper: zk.connectString }, 'ZooKeeper is up with a Mesos master entry at /mesos');
    if (opts.objectStore) {
      const store = await startObjectStore({
        dir: join(stateDir, 'object-store'),
        detached: true,
        repoRoot: REPO_ROOT,
      });
      pids['object-store'] = store.pid;
      const { endpoint, bucket, region, accessKeyId, secretAccessKey } = store;
      state.objectStore = { endpoint, bucket, region, accessKeyId, secretAccessKey };
      save();
      log.info({ endpoint, bucket }, 'The object store (versitygw) is up');
    }
    const fleetSocket = join(stateDir, 'fleet-host.sock');
    if (opts.fleet) {
      pids['fleet-host'] = startDaemon({
        name: 'fleet-host',
        command: process.execPath,
        args: [
          join(REPO_ROOT, 'test', 'world', 'local-env', 'fleet-host', 'main.ts'),
          `--socket=${fleetSocket}`,
        ],
        logFile: join(stateDir, 'logs', 'fleet-host.log'),
        cwd: REPO_ROOT,
      });
      save();
      await waitForSocket(fleetSocket, pids['fleet-host']);
    }
    pids['pod-runtime'] = startDaemon({
      name: 'pod-runtime',
      command: process.execPath,
      args: [
        join(REPO_ROOT, 'test', 'world', 'local-env', 'pod-runtime', 'main.ts'),
        `--kubeconfig=${cp.kubeconfigPath}`,
        `--state-dir=${join(stateDir, 'pods')}`,
        `--pod-subnet=${opts.podSubnet ?? 2}`,
        ...(opts.fleet ? [`--fleet-host=${fleetSocket}`] : []),
      ],
      logFile: join(stateDir, 'logs', 'pod-runtime.log'),
      cwd: REPO_ROOT,
    });
    save();
    const ctx = { binDir: cp.binDir, kubeconfigPath: cp.kubeconfigPath };
    await waitForNode(ctx, pids['pod-runtime']);
    if (opts.installOperator) await installOperator(ctx, opts.operatorReplicas ?? 2, log);
    return state;
  } catch (err) {
    await stopLocalEnv(state);
    throw err;
  }
}

async function waitForSocket(socket: string, pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (!isAlive(pid) || Date.now() > deadline)
      throw new Error('the fleet host did not start; see logs/fleet-host.log');
    await sleep(100);
  }
}

async function waitForNode(ctx: ToolContext, runtimePid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!isAlive(runtimePid)) throw new Error('the pod runtime exited; see logs/pod-runtime.log');
    const out = await kubectl(ctx, ['get', 'nodes', '-o', 'name']).catch(() => '');
    if (out.trim()) return;
    await sleep(500);
  }
  throw new Error('the pod runtime did not register its node');
}

// The pod runtime goes first so it can stop its pods while the apiserver still answers.
const STOP_ORDER = [
  'pod-runtime',
  'fleet-host',
  'kube-controller-manager',
  'kube-apiserver',
  'etcd',
  'zookeeper',
  'object-store',
];

export async function stopLocalEnv(state: LocalEnvState): Promise<void> {
  for (const name of STOP_ORDER) {
    const pid = state.pids[name];
    if (pid !== undefined) await stopDaemon(pid, name === 'pod-runtime' ? 30_000 : 10_000);
  }
}
