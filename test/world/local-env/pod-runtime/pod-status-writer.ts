// Writes a pod's status through pods/status, debounced, one request at a time, and only when it changed.
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import type { ContainerStatusJson } from './container-status.ts';
import type { PodPlacement } from './field-ref.ts';
import type { Kube } from './kube.ts';
import { apiStatusCode, errorMessage, rfc3339, strategicMergePatch } from './kube.ts';
import { ConditionClock, computePodStatus } from './pod-status.ts';

export interface PodStatusWriterOptions {
  kube: Kube;
  pod: () => V1Pod;
  placement: PodPlacement;
  init: ContainerStatusJson[];
  app: ContainerStatusJson[];
  log: Logger;
}

export class PodStatusWriter {
  private readonly opts: PodStatusWriterOptions;
  private readonly clock: ConditionClock;
  private startTime = rfc3339();
  private initFailed = false;
  private lastWritten: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  constructor(opts: PodStatusWriterOptions) {
    this.opts = opts;
    this.clock = new ConditionClock(opts.pod().status);
  }

  setStartTime(time: string): void {
    this.startTime = time;
  }

  markInitFailed(): void {
    this.initFailed = true;
    this.schedule();
  }

  /** Coalesces bursts of changes (a container exiting and its probes stopping) into one write. */
  schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 20);
  }

  /** Writes pending changes now and waits for the write to finish. */
  async flush(): Promise<void> {
    if (this.inFlight) {
      this.dirty = true;
      return this.inFlight;
    }
    this.inFlight = this.writeLoop().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async writeLoop(): Promise<void> {
    do {
      this.dirty = false;
      const pod = this.opts.pod();
      const status = computePodStatus(
        {
          pod,
          podIP: this.opts.placement.podIP,
          hostIP: this.opts.placement.hostIP,
          startTime: this.startTime,
          initStatuses: this.opts.init,
          appStatuses: this.opts.app,
          initFailed: this.initFailed,
        },
        this.clock,
      );
      const json = JSON.stringify(status);
      if (json === this.lastWritten) continue;
      try {
        await this.opts.kube.core.patchNamespacedPodStatus(
          {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            // the UID makes a write for a deleted pod fail instead of landing on a re-created pod of the same name
            body: { metadata: { uid: pod.metadata!.uid }, status },
          },
          strategicMergePatch,
        );
        this.lastWritten = json;
      } catch (err) {
        // gone, or replaced by a pod of the same name (the UID in the patch no longer matches): nothing to report
        if ([404, 409, 422].includes(apiStatusCode(err) ?? 0)) return;
        this.opts.log.warn({ err: errorMessage(err) }, 'Pod status write failed, retrying');
        // unref'd: a retry after the API server went away must not keep a stopped runtime's process alive
        if (!this.closed) setTimeout(() => this.schedule(), 1000).unref();
        return;
      }
    } while (this.dirty);
  }
}
