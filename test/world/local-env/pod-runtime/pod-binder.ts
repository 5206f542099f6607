// Stands in for kube-scheduler: binds every unscheduled pod to this node through the Binding subresource.
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import type { Kube } from './kube.ts';
import { apiStatusCode, errorMessage } from './kube.ts';

export class PodBinder {
  private readonly pending = new Set<string>();
  private readonly kube: Kube;
  private readonly nodeName: string;
  private readonly log: Logger;

  constructor(kube: Kube, nodeName: string, log: Logger) {
    this.kube = kube;
    this.nodeName = nodeName;
    this.log = log;
  }

  onUpsert(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || pod.spec?.nodeName || pod.metadata?.deletionTimestamp || this.pending.has(uid)) return;
    const scheduler = pod.spec?.schedulerName;
    if (scheduler && scheduler !== 'default-scheduler') return;
    this.pending.add(uid);
    void this.bind(pod).finally(() => this.pending.delete(uid));
  }

  private async bind(pod: V1Pod): Promise<void> {
    const name = pod.metadata!.name!;
    const namespace = pod.metadata!.namespace!;
    try {
      await this.kube.core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          metadata: { name, namespace, uid: pod.metadata!.uid! },
          target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName },
        },
      });
      this.log.info({ pod: `${namespace}/${name}`, node: this.nodeName }, 'Pod bound');
    } catch (err) {
      // 409: already bound (by us earlier or someone else); 404: deleted meanwhile
      const code = apiStatusCode(err);
      if (code !== 409 && code !== 404)
        this.log.warn({ pod: `${namespace}/${name}`, err: errorMessage(err) }, 'Bind failed');
    }
  }
}
