// The scheduler StatefulSet: parallel start, OnDelete updates, one log and one backup volume per replica.
import type {
  V1Affinity,
  V1Container,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1StatefulSet,
  V1Toleration,
} from '@kubernetes/client-node';
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';
import {
  CLUSTER_REPLICAS_ANNOTATION,
  LOG_QUORUM_ANNOTATION,
  SCHEDULER_MODE_ANNOTATION,
} from '../api/contracts.ts';
import { buildLabels, buildObjectMeta, buildSelectorLabels } from './labels.ts';
import { buildBackupAgentContainer, buildObjectStoreCaVolumes, withObjectStoreCa } from './backup-agent.ts';
import { buildLogInitContainer, LOG_INIT_VOLUME } from './log-init.ts';
import {
  BACKUPS_VOLUME,
  headlessServiceName,
  LOG_VOLUME,
  logInitConfigMapName,
  restoreConfigMapName,
  RESTORE_VOLUME,
  SCHEDULER_CONTAINER,
  statefulSetName,
} from './names.ts';
import { buildSchedulerContainer, buildZkDigestVolumes } from './scheduler-container.ts';
import { withQuorumFlag, type SchedulerMode } from './scheduler-args.ts';

export interface StatefulSetOptions {
  /** recovery runs the schedulers "partially disabled" for a restore */
  readonly mode?: SchedulerMode;
  /** overrides spec.replicas, e.g. while a restore scales the cluster down */
  readonly replicas?: number;
  /** overrides the quorum derived from spec.replicas, e.g. raised before a scale-up adds replicas */
  readonly quorum?: number;
  /** the claim sizes the existing StatefulSet was created with: its volumeClaimTemplates are immutable */
  readonly claimSizes?: Readonly<Record<string, string>>;
}

export function buildStatefulSet(cluster: AuroraCluster, opts: StatefulSetOptions = {}): V1StatefulSet {
  const spec = cluster.spec;
  const meta = buildObjectMeta(cluster, statefulSetName(cluster));
  const mode = opts.mode ?? 'normal';
  const quorum = opts.quorum ?? quorumSize(spec.replicas);
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    // the mode is stamped so readers never have to parse the flags back out of the template
    metadata: {
      ...meta,
      annotations: {
        ...meta.annotations,
        [SCHEDULER_MODE_ANNOTATION]: mode,
        [CLUSTER_REPLICAS_ANNOTATION]: String(spec.replicas),
        [LOG_QUORUM_ANNOTATION]: String(quorum),
      },
    },
    spec: {
      replicas: opts.replicas ?? spec.replicas,
      serviceName: headlessServiceName(cluster),
      // schedulers must start together: none of them is useful until a quorum of log replicas is up
      podManagementPolicy: 'Parallel',
      // the operator restarts schedulers one at a time, leader last, so the quorum is never lost
      updateStrategy: { type: 'OnDelete' },
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: retention.whenScaled,
        whenDeleted: retention.whenDeleted,
      },
      selector: { matchLabels: buildSelectorLabels(cluster) },
      template: {
        metadata: {
          labels: buildLabels(cluster),
          ...(spec.podAnnotations ? { annotations: { ...spec.podAnnotations } } : {}),
        },
        spec: buildPodSpec(cluster, mode, quorum),
      },
      volumeClaimTemplates: [
        buildClaim(LOG_VOLUME, spec.replicatedLog.storage, opts.claimSizes?.[LOG_VOLUME]),
        buildClaim(BACKUPS_VOLUME, spec.backup.storage, opts.claimSizes?.[BACKUPS_VOLUME]),
      ],
    },
  };
}

function buildPodSpec(cluster: AuroraCluster, mode: SchedulerMode, quorum: number): V1PodSpec {
  const spec = cluster.spec;
  const scheduling = spec.scheduling;
  return {
    // the scheduler exits on purpose (lost leadership, failover); it must always come back
    restartPolicy: 'Always',
    initContainers: [buildLogInitContainer(cluster)],
    containers: [
      withQuorum(buildSchedulerContainer(cluster, mode), quorum),
      withObjectStoreCa(buildBackupAgentContainer(cluster), cluster),
    ],
    volumes: [
      { name: LOG_INIT_VOLUME, configMap: { name: logInitConfigMapName(cluster) } },
      // optional, so the pod template is the same whether or not a restore is in progress
      { name: RESTORE_VOLUME, configMap: { name: restoreConfigMapName(cluster), optional: true } },
      ...buildZkDigestVolumes(cluster),
      ...buildObjectStoreCaVolumes(cluster),
    ],
    ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    ...(scheduling?.nodeSelector ? { nodeSelector: { ...scheduling.nodeSelector } } : {}),
    ...(scheduling?.affinity ? { affinity: scheduling.affinity as V1Affinity } : {}),
    ...(scheduling?.tolerations
      ? { tolerations: scheduling.tolerations.map((t) => ({ ...t }) as V1Toleration) }
      : {}),
  };
}

function withQuorum(container: V1Container, quorum: number): V1Container {
  if (container.name !== SCHEDULER_CONTAINER || !container.args) return container;
  return { ...container, args: withQuorumFlag(container.args, quorum) };
}

function buildClaim(
  name: string,
  storage: { size: string; storageClassName?: string | undefined },
  createdSize: string | undefined,
): V1PersistentVolumeClaim {
  return {
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      // a grown size reaches the PVCs through the operator's expansion, never through this immutable template
      resources: { requests: { storage: createdSize ?? storage.size } },
      ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}
