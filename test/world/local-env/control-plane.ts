// Runs a real etcd, kube-apiserver and kube-controller-manager on 127.0.0.1 with token auth and RBAC.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { Logger } from '../../../src/log.ts';
import { ensureCerts } from './certs.ts';
import { findFreePort } from './free-port.ts';
import { ensureKubeBinaries } from './kube-binaries.ts';
import { isAlive, startDaemon, stopDaemon } from './processes.ts';

export interface ControlPlane {
  server: string;
  host: '127.0.0.1';
  port: number;
  caFile: string;
  adminToken: string;
  kubeconfigPath: string;
  binDir: string;
  pids: Record<string, number>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  stateDir: string;
  log?: Logger;
  repoRoot?: string;
  /** when set, the apiserver writes a Metadata-level audit log here (benchmarks attribute requests to callers) */
  auditLog?: string;
}

// Service addresses stay on loopback so that even a mistaken connection to a ClusterIP never leaves the machine.
export const SERVICE_CIDR = '127.1.0.0/16';

export function buildKubeconfig(server: string, caFile: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    '    user: admin',
    'current-context: local',
    '',
  ].join('\n');
}

async function waitForReady(url: string, caFile: string, token: string, pids: number[]): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  const deadline = Date.now() + 180_000;
  try {
    while (Date.now() < deadline) {
      if (pids.some((pid) => !isAlive(pid))) throw new Error(`a control-plane process exited; see its log`);
      try {
        const res = await request(url, {
          dispatcher,
          headers: { authorization: `Bearer ${token}` },
          headersTimeout: 2000,
          bodyTimeout: 2000,
        });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${url}`);
  } finally {
    await dispatcher.close();
  }
}

function etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[] {
  return [
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

interface ApiServerArgsInput {
  dir: string;
  etcdPort: number;
  port: number;
  certs: ReturnType<typeof ensureCerts>;
  tokenFile: string;
  auditLog?: string | undefined;
}

// one event per request at ResponseComplete, so counting lines counts requests
const AUDIT_POLICY = [
  'apiVersion: audit.k8s.io/v1',
  'kind: Policy',
  'omitStages: [RequestReceived, ResponseStarted]',
  'rules:',
  '  - level: Metadata',
  '',
].join('\n');

function auditArgs(dir: string, auditLog: string | undefined): string[] {
  if (auditLog === undefined) return [];
  const policy = join(dir, 'audit-policy.yaml');
  writeFileSync(policy, AUDIT_POLICY);
  return [`--audit-policy-file=${policy}`, `--audit-log-path=${auditLog}`, '--audit-log-format=json'];
}

function apiServerArgs({ dir, etcdPort, port, certs, tokenFile, auditLog }: ApiServerArgsInput): string[] {
  return [
    ...auditArgs(dir, auditLog),
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${certs.servingCertFile}`,
    `--tls-private-key-file=${certs.servingKeyFile}`,
    `--client-ca-file=${certs.caFile}`,
    // pods/log goes to the pod runtime's kubelet API on the Node's InternalIP, both sides checking certificates
    `--kubelet-certificate-authority=${certs.kubelet.caFile}`,
    `--kubelet-client-certificate=${certs.kubelet.apiserverClientCertFile}`,
    `--kubelet-client-key=${certs.kubelet.apiserverClientKeyFile}`,
    '--kubelet-preferred-address-types=InternalIP',
    `--token-auth-file=${tokenFile}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${certs.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${certs.serviceAccountKeyFile}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--v=1',
  ];
}

function controllerManagerArgs(kubeconfig: string, certs: ReturnType<typeof ensureCerts>): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--service-account-private-key-file=${certs.serviceAccountKeyFile}`,
    `--root-ca-file=${certs.caFile}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route',
    '--concurrent-statefulset-syncs=5',
    '--v=1',
  ];
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = resolve(opts.stateDir);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const binDir = ensureKubeBinaries(opts.repoRoot ?? process.cwd());
  const certs = ensureCerts(mkdirAndReturn(join(dir, 'pki')));
  const adminToken = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'pki', 'tokens.csv');
  writeFileSync(tokenFile, `${adminToken},aurora-operator-admin,admin-uid,"system:masters"\n`, {
    mode: 0o600,
  });

  const [etcdPort, peerPort, port] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const pids: Record<string, number> = {};
  const log = (name: string): string => join(dir, 'logs', `${name}.log`);
  const stop = async (): Promise<void> => {
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) {
      const pid = pids[name];
      if (pid !== undefined) await stopDaemon(pid);
    }
  };

  try {
    pids['etcd'] = startDaemon({
      name: 'etcd',
      command: join(binDir, 'etcd'),
      args: etcdArgs(join(dir, 'etcd'), etcdPort, peerPort),
      logFile: log('etcd'),
    });
    pids['kube-apiserver'] = startDaemon({
      name: 'kube-apiserver',
      command: join(binDir, 'kube-apiserver'),
      args: apiServerArgs({ dir, etcdPort, port, certs, tokenFile, auditLog: opts.auditLog }),
      logFile: log('kube-apiserver'),
    });
    const server = `https://127.0.0.1:${port}`;
    opts.log?.info({ server }, 'Waiting for kube-apiserver /readyz');
    await waitForReady(`${server}/readyz`, certs.caFile, adminToken, Object.values(pids));
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, buildKubeconfig(server, certs.caFile, adminToken), { mode: 0o600 });
    pids['kube-controller-manager'] = startDaemon({
      name: 'kube-controller-manager',
      command: join(binDir, 'kube-controller-manager'),
      args: controllerManagerArgs(kubeconfigPath, certs),
      logFile: log('kube-controller-manager'),
    });
    return {
      server,
      host: '127.0.0.1',
      port,
      caFile: certs.caFile,
      adminToken,
      kubeconfigPath,
      binDir,
      pids,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function mkdirAndReturn(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
