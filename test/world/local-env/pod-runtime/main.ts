// The local pod runtime: stands where the kubelet (and kube-scheduler) would, running pods as bubblewrap processes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../../../src/log.ts';
import { kubeletCertFiles, NODE_IP, type KubeletCerts } from '../certs.ts';
import { kubeletBackoff, type BackoffPolicy } from './backoff.ts';
import { buildLogLookup } from './container-logs.ts';
import { ContainerProcess, killRecordedGroups } from './container-process.ts';
import { FleetClient } from './fleet-client.ts';
import { startInformer } from './informer.ts';
import { loadKube } from './kube.ts';
import { startKubeletServer } from './kubelet-server.ts';
import { startNodeAgent } from './node-agent.ts';
import { PodBinder } from './pod-binder.ts';
import { PodManager } from './pod-manager.ts';
import { PvProvisioner } from './pv-provisioner.ts';

export interface PodRuntimeOptions {
  kubeconfigPath: string;
  stateDir: string;
  nodeName?: string;
  log?: Logger;
  /** Restart backoff; defaults to the kubelet's 10s doubling to 5min, reset after 10min of running. */
  backoff?: Partial<BackoffPolicy>;
  /** How often ConfigMap/Secret/token volume files are refreshed (default 60s, the kubelet's sync period). */
  volumeRefreshMs?: number;
  /** Upper bound on each pod's grace period when the runtime itself stops (default 10s). */
  shutdownGraceMs?: number;
  /** Pod IPs come from 127.<podSubnet>.0.0/16 (default 2). */
  podSubnet?: number;
  /** Fleet mode: the socket of a fleet host that runs every scheduler and backup-agent container. */
  fleetHost?: string;
  /** The log API's certificates; default: those the control plane issued next to the kubeconfig's CA file. */
  kubeletCerts?: KubeletCerts;
}

export interface PodRuntime {
  nodeName: string;
  /** where the kubelet log API listens (the Node's InternalIP and daemonEndpoints port) */
  kubeletEndpoint: { host: string; port: number };
  stop(): Promise<void>;
}

const nodeIP = NODE_IP;

function defaultKubeletCerts(kube: ReturnType<typeof loadKube>): KubeletCerts {
  const caFile = kube.kc.getCurrentCluster()?.caFile;
  if (!caFile)
    throw new Error('the kubeconfig names no CA file, next to which the kubelet certificates live');
  return kubeletCertFiles(path.dirname(caFile));
}

export async function startPodRuntime(opts: PodRuntimeOptions): Promise<PodRuntime> {
  const log = opts.log ?? createLogger('pod-runtime');
  const nodeName = opts.nodeName ?? 'local-node';
  const stateDir = path.resolve(opts.stateDir);
  await fs.mkdir(stateDir, { recursive: true });
  const leftovers = killRecordedGroups(path.join(stateDir, 'run'));
  if (leftovers > 0) log.warn({ leftovers }, 'Killed container processes left by a previous runtime');
  const kube = loadKube(opts.kubeconfigPath);
  const fleet = opts.fleetHost ? await FleetClient.connect(opts.fleetHost) : undefined;
  const ownProcess = (spec: Parameters<typeof ContainerProcess.start>[0]): ContainerProcess =>
    ContainerProcess.start(spec);
  // the cache fills once the pod informer below starts; until then the log API knows no pod
  let getPod = (_ns: string, _name: string): V1Pod | undefined => undefined;
  const kubelet = await startKubeletServer({
    host: nodeIP,
    certs: opts.kubeletCerts ?? defaultKubeletCerts(kube),
    find: buildLogLookup(stateDir, nodeName, (ns, name) => getPod(ns, name)),
    log,
  });
  const node = await startNodeAgent({ kube, nodeName, nodeIP, kubeletPort: kubelet.port, log });
  const pods = new PodManager({
    kube,
    nodeName,
    nodeIP,
    stateDir,
    backoff: { ...kubeletBackoff, ...opts.backoff },
    volumeRefreshMs: opts.volumeRefreshMs ?? 60_000,
    log,
    ...(opts.podSubnet !== undefined ? { podSubnet: opts.podSubnet } : {}),
    launch: fleet ? fleet.launcher(ownProcess) : ownProcess,
  });
  const binder = new PodBinder(kube, nodeName, log);
  const podInformer = startInformer<V1Pod>({
    kube,
    path: '/api/v1/pods',
    list: () => kube.core.listPodForAllNamespaces(),
    handlers: {
      onUpsert: (pod) => {
        binder.onUpsert(pod);
        pods.onUpsert(pod);
      },
      onDelete: (pod) => pods.onDelete(pod),
    },
    log,
  });
  const claimInformer = startInformer<V1PersistentVolumeClaim>({
    kube,
    path: '/api/v1/persistentvolumeclaims',
    list: () => kube.core.listPersistentVolumeClaimForAllNamespaces(),
    handlers: {
      onUpsert: (pvc) => provisioner.onUpsert(pvc),
      onDelete: (pvc) => provisioner.onDelete(pvc),
    },
    log,
  });
  const provisioner = new PvProvisioner({
    kube,
    stateDir,
    log,
    hasClaim: (ns, name) => claimInformer.get(name, ns) !== undefined,
  });
  getPod = (ns, name) => podInformer.get(name, ns);
  await podInformer.synced;
  await pods.cleanupOrphans();
  log.info({ nodeName, stateDir }, 'Pod runtime started');
  return {
    nodeName,
    kubeletEndpoint: { host: nodeIP, port: kubelet.port },
    stop: async () => {
      node.stop();
      await kubelet.close();
      await Promise.all([podInformer.stop(), claimInformer.stop()]);
      await pods.stop(opts.shutdownGraceMs ?? 10_000);
      fleet?.close();
      log.info('Pod runtime stopped');
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'state-dir': { type: 'string' },
      'node-name': { type: 'string', default: 'local-node' },
      'pod-subnet': { type: 'string', default: '2' },
      'fleet-host': { type: 'string' },
    },
  });
  if (!values.kubeconfig || !values['state-dir']) {
    console.error(
      'usage: main.ts --kubeconfig=PATH --state-dir=DIR [--node-name=local-node] [--pod-subnet=2] [--fleet-host=SOCKET]',
    );
    process.exit(2);
  }
  const runtime = await startPodRuntime({
    kubeconfigPath: values.kubeconfig,
    stateDir: values['state-dir'],
    nodeName: values['node-name'],
    podSubnet: Number(values['pod-subnet']),
    ...(values['fleet-host'] ? { fleetHost: values['fleet-host'] } : {}),
  });
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void runtime.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (import.meta.main) await main();
