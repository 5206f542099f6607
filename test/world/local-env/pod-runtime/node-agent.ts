// Registers the Node object, keeps it Ready, and renews its Lease in kube-node-lease as the kubelet does.
import os from 'node:os';
import type { Logger } from '../../../../src/log.ts';
import type { Kube } from './kube.ts';
import {
  errorMessage,
  isAlreadyExists,
  isNotFound,
  mergePatch,
  microTime,
  rfc3339,
  strategicMergePatch,
} from './kube.ts';

export interface NodeAgentOptions {
  kube: Kube;
  nodeName: string;
  nodeIP: string;
  /** the kubelet log API's port, published in status.daemonEndpoints for the apiserver */
  kubeletPort: number;
  log: Logger;
  leaseRenewMs?: number;
  statusUpdateMs?: number;
}

const leaseDurationSeconds = 40;

export async function startNodeAgent(opts: NodeAgentOptions): Promise<{ stop(): void }> {
  const { kube, nodeName } = opts;
  const node = await kube.core.readNode({ name: nodeName }).catch(async (err: unknown) => {
    if (!isNotFound(err)) throw err;
    return kube.core.createNode({
      body: {
        metadata: {
          name: nodeName,
          labels: {
            'kubernetes.io/hostname': nodeName,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
          },
        },
      },
    });
  });
  const nodeUid = node.metadata!.uid!;
  const transitionTime = rfc3339();
  const reportStatus = async (): Promise<void> => {
    const now = rfc3339();
    const condition = (type: string, status: string, reason: string, message: string): object => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: transitionTime,
    });
    const capacity = {
      cpu: String(os.cpus().length),
      memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
      pods: '250',
      'ephemeral-storage': '100Gi',
    };
    const status = {
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'local pod runtime is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: opts.nodeIP },
        { type: 'Hostname', address: nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort } },
      capacity,
      allocatable: capacity,
      nodeInfo: {
        kubeletVersion: 'v1.35.4-local',
        containerRuntimeVersion: 'local-bwrap://1',
        operatingSystem: 'linux',
        architecture: process.arch === 'x64' ? 'amd64' : process.arch,
        osImage: 'aurora-operator local pod runtime',
        kernelVersion: os.release(),
        kubeProxyVersion: '',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    };
    await kube.core.patchNodeStatus({ name: nodeName, body: { status } }, strategicMergePatch);
  };
  const renewLease = async (): Promise<void> => {
    const spec = { holderIdentity: nodeName, leaseDurationSeconds, renewTime: microTime() };
    try {
      await kube.coordination.patchNamespacedLease(
        { name: nodeName, namespace: 'kube-node-lease', body: { spec } },
        mergePatch,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }];
      await kube.coordination
        .createNamespacedLease({
          namespace: 'kube-node-lease',
          // renewTime stays a pre-formatted MicroTime string: the typed serializer would drop to milliseconds
          body: { metadata: { name: nodeName, ownerReferences }, spec: spec as never },
        })
        .catch((e: unknown) => (isAlreadyExists(e) ? undefined : Promise.reject(e)));
    }
  };
  await reportStatus();
  await renewLease();
  const guard = (what: string, fn: () => Promise<void>) => () =>
    void fn().catch((err: unknown) => opts.log.warn({ err: errorMessage(err) }, `${what} failed`));
  const leaseTimer = setInterval(guard('Lease renewal', renewLease), opts.leaseRenewMs ?? 10_000);
  const statusTimer = setInterval(guard('Node status update', reportStatus), opts.statusUpdateMs ?? 60_000);
  opts.log.info({ node: nodeName }, 'Node registered');
  return {
    stop: () => {
      clearInterval(leaseTimer);
      clearInterval(statusTimer);
    },
  };
}
