// Dispatches pod events for this node to pod workers: start, update, graceful deletion, cleanup of vanished pods.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import type { BackoffPolicy } from './backoff.ts';
import { IpAllocator } from './ip-allocator.ts';
import type { Kube } from './kube.ts';
import { errorMessage } from './kube.ts';
import type { ContainerLauncher } from './fleet-client.ts';
import { PodWorker } from './pod-worker.ts';

export interface PodManagerOptions {
  kube: Kube;
  nodeName: string;
  nodeIP: string;
  stateDir: string;
  backoff: BackoffPolicy;
  volumeRefreshMs: number;
  log: Logger;
  /** second octet of the pod IP range 127.<podSubnet>.0.0/16 */
  podSubnet?: number;
  launch: ContainerLauncher;
}

export class PodManager {
  private readonly workers = new Map<string, PodWorker>();
  private readonly finalizing = new Map<string, Promise<void>>();
  private readonly ips: IpAllocator;
  private readonly opts: PodManagerOptions;
  private stopped = false;

  constructor(opts: PodManagerOptions) {
    this.ips = new IpAllocator(opts.podSubnet);
    this.opts = opts;
  }

  onUpsert(pod: V1Pod): void {
    if (this.stopped || pod.spec?.nodeName !== this.opts.nodeName) return;
    const uid = pod.metadata!.uid!;
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = this.createWorker(pod);
      this.workers.set(uid, worker);
      if (!pod.metadata?.deletionTimestamp) worker.start();
    } else {
      worker.update(pod);
    }
    if (pod.metadata?.deletionTimestamp && !this.finalizing.has(uid)) {
      const done = worker
        .finalize()
        .catch((err: unknown) =>
          this.opts.log.warn({ pod: podKey(pod), err: errorMessage(err) }, 'Pod finalize failed'),
        );
      this.finalizing.set(uid, done);
    }
  }

  onDelete(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    const worker = uid ? this.workers.get(uid) : undefined;
    if (!uid || !worker) return;
    this.workers.delete(uid);
    // a force-deleted pod never went through finalize: its processes still need stopping
    const stopping = this.finalizing.get(uid) ?? worker.stop(2000);
    void stopping.then(async () => {
      await worker.cleanup();
      this.ips.release(uid);
      this.finalizing.delete(uid);
      this.opts.log.info({ pod: podKey(pod) }, 'Pod removed');
    });
  }

  /** Removes local state of pods that disappeared while the runtime was down. */
  async cleanupOrphans(): Promise<void> {
    const podsDir = path.join(this.opts.stateDir, 'pods');
    const uids = await fs.readdir(podsDir).catch(() => [] as string[]);
    for (const uid of uids) {
      if (!this.workers.has(uid)) await fs.rm(path.join(podsDir, uid), { recursive: true, force: true });
    }
  }

  /** Stops every pod's processes; grace is capped so the runtime stops promptly. */
  async stop(maxGraceMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.workers.values()].map((w) => {
        const grace = (w.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
        // a stopped runtime reports nothing more: no status write may be retried after its API server is gone
        return w.stop(Math.min(grace, maxGraceMs)).finally(() => w.closeStatus());
      }),
    );
  }

  private createWorker(pod: V1Pod): PodWorker {
    const uid = pod.metadata!.uid!;
    let podIP = this.opts.nodeIP;
    if (!pod.spec?.hostNetwork) {
      const previous = pod.status?.podIP;
      podIP = previous && this.ips.reserve(uid, previous) ? previous : this.ips.allocate(uid);
    }
    return new PodWorker({
      kube: this.opts.kube,
      pod,
      placement: { podIP, hostIP: this.opts.nodeIP, nodeName: this.opts.nodeName },
      stateDir: this.opts.stateDir,
      backoff: this.opts.backoff,
      volumeRefreshMs: this.opts.volumeRefreshMs,
      log: this.opts.log.child({ pod: podKey(pod) }),
      launch: this.opts.launch,
    });
  }
}

function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
