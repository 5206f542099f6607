// The StatefulSet controller and the kubelet for one scheduler StatefulSet in the memory API server: pods follow
// spec.replicas one step per tick (create, run log-init and start, mark deleting, remove), OnDelete revisions.
import type { V1ConfigMap, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { SCHEDULER_MODE_ANNOTATION } from '../../src/api/contracts.ts';
import { canonicalJson } from '../../src/k8s/semantic-equal.ts';
import { CLUSTER_LABEL } from '../../src/resources/names.ts';
import type { RestoreAction } from '../../src/resources/restore-config.ts';
import type { FakeAurora, RestoreInstructionData, RunningScheduler } from './fake-aurora.ts';
import type { MemoryKube, StoredRef } from './memory-kube.ts';

const POD_STARTED = '2024-02-01T00:00:00.000Z';

const ordinalOf = (pod: V1Pod): number => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1]);

export interface KubeletTarget {
  namespace: string;
  statefulSet: string;
  restoreConfigMap: string;
  podLabels: Record<string, string>;
}

export class FakeKubelet {
  private incarnation = 0;
  private readonly kube: MemoryKube;
  private readonly aurora: FakeAurora;
  private readonly target: KubeletTarget;

  constructor(kube: MemoryKube, aurora: FakeAurora, target: KubeletTarget) {
    this.kube = kube;
    this.aurora = aurora;
    this.target = target;
  }

  private ref(kind: string, name: string, apiVersion = 'v1'): StoredRef {
    return { apiVersion, kind, namespace: this.target.namespace, name };
  }

  pods(): V1Pod[] {
    return this.kube
      .list<V1Pod>('Pod', this.target.namespace)
      .filter((p) => p.metadata?.labels?.[CLUSTER_LABEL] === this.target.podLabels[CLUSTER_LABEL]);
  }

  /** running: the scheduler processes that are up, in the mode of the template their pod was created from */
  running(): RunningScheduler[] {
    return this.pods()
      .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
      .map((p) => ({
        ordinal: ordinalOf(p),
        podIP: p.status?.podIP ?? '',
        mode: p.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION] === 'recovery' ? 'recovery' : 'normal',
      }));
  }

  tick(now: Date): void {
    const sts = this.kube.get<V1StatefulSet>(this.ref('StatefulSet', this.target.statefulSet, 'apps/v1'));
    const replicas = sts?.spec?.replicas ?? 0;
    const hash = createHash('sha256').update(canonicalJson(sts?.spec?.template)).digest('hex');
    const revision = `rev-${hash.slice(0, 10)}`;
    if (sts) {
      const status = {
        observedGeneration: sts.metadata?.generation ?? 0,
        replicas: this.pods().length,
        updateRevision: revision,
      };
      if (canonicalJson(status) !== canonicalJson(sts.status)) this.kube.put({ ...sts, status });
    }
    const present = new Set<number>();
    for (const pod of this.pods()) {
      const ordinal = ordinalOf(pod);
      present.add(ordinal);
      if (pod.metadata?.deletionTimestamp) this.kube.remove(this.ref('Pod', pod.metadata.name ?? ''));
      else if (ordinal >= replicas) {
        this.kube.put({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: now } });
      } else if (pod.status?.phase === 'Pending') this.start(pod, ordinal);
    }
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      if (!present.has(ordinal) && sts) this.create(sts, ordinal, revision);
    }
    this.aurora.running = this.running();
    this.aurora.elect();
  }

  private create(sts: V1StatefulSet, ordinal: number, revision: string): void {
    this.kube.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${this.target.statefulSet}-${ordinal}`,
        namespace: this.target.namespace,
        uid: `pod-${++this.incarnation}`,
        labels: { ...this.target.podLabels, 'controller-revision-hash': revision },
        annotations: {
          [SCHEDULER_MODE_ANNOTATION]: sts.metadata?.annotations?.[SCHEDULER_MODE_ANNOTATION] ?? 'normal',
        },
      },
      status: { phase: 'Pending' },
    });
  }

  /** start runs the pod's log-init against the restore ConfigMap, then its containers. */
  private start(pod: V1Pod, ordinal: number): void {
    const data = this.kube.get<V1ConfigMap>(this.ref('ConfigMap', this.target.restoreConfigMap))?.data;
    const instruction: RestoreInstructionData | undefined = data?.['restoreId']
      ? {
          restoreId: data['restoreId'],
          action: data['action'] as RestoreAction,
          backupId: data['backupId'] ?? '',
          recoverOrdinal: Number(data['recoverOrdinal'] ?? -1),
        }
      : undefined;
    this.aurora.logInit(ordinal, instruction);
    this.kube.put({
      ...pod,
      status: {
        phase: 'Running',
        podIP: `10.${ordinal}.0.${(pod.metadata?.uid ?? '').replace('pod-', '')}`,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'scheduler', restartCount: 0, state: { running: { startedAt: POD_STARTED } } },
        ],
      },
    });
  }
}
