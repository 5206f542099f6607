// The throwaway scheduler of a rehearsal restore: one Pod with emptyDir volumes that recovers a backup into its
// own 1-replica log (the Offline restore's wipe-and-recover script) and starts a scheduler that cannot register.
import type {
  V1Container,
  V1EnvVar,
  V1ObjectMeta,
  V1Pod,
  V1ResourceRequirements,
} from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { GROUP } from '../api/group.ts';
import { buildBackupAgentContainer } from './backup-agent.ts';
import { buildBackupVolumeMount } from './backup-volume.ts';
import { buildOwnerReference } from './labels.ts';
import { buildLogInitContainer, RESTORE_ACTION_SCRIPT } from './log-init.ts';
import { BACKUPS_VOLUME, LOG_VOLUME, SCHEDULER_CONTAINER } from './names.ts';
import { buildSchedulerContainer, buildZkDigestVolumes } from './scheduler-container.ts';

/** On the rehearsal's objects: the AuroraCluster they rehearse for (never the cluster's selector labels). */
export const REHEARSAL_LABEL = `${GROUP}/rehearsal-of`;
/** The pod's name ends in this, which the restore script reads as the ordinal that runs recovery-tool. */
export const REHEARSAL_ORDINAL = 'rehearsal';

export function rehearsalName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-${REHEARSAL_ORDINAL}`;
}

/** The ZooKeeper suffix of the rehearsal's paths: siblings of the live ones, never below or above them. */
export function rehearsalSuffix(cluster: AuroraCluster): string {
  return `-rehearsal-${(cluster.metadata.uid ?? 'unsaved').slice(0, 8)}`;
}

export function rehearsalFrameworkName(cluster: AuroraCluster): string {
  return `${cluster.spec.mesos.frameworkName ?? 'Aurora'}-rehearsal`;
}

/**
 * rehearsalCluster is the cluster as the throwaway scheduler sees it: one replica (quorum 1), its own serverset
 * and log-group paths, its own framework and cluster name. Built in recovery mode, its Mesos master cannot exist.
 */
export function rehearsalCluster(cluster: AuroraCluster): AuroraCluster {
  const spec = cluster.spec;
  const suffix = rehearsalSuffix(cluster);
  // a throwaway scheduler's agent must never ship to, or apply retention on, the live cluster's object store
  const { objectStore: _liveStore, ...backup } = spec.backup;
  return {
    ...cluster,
    spec: {
      ...spec,
      backup,
      replicas: 1,
      clusterName: `${spec.clusterName}-rehearsal`,
      serversetPath: `${spec.serversetPath}${suffix}`,
      replicatedLog: {
        ...spec.replicatedLog,
        zkGroupPath: `${spec.replicatedLog.zkGroupPath}${suffix}`,
        quorumSize: 1,
      },
      mesos: { ...spec.mesos, frameworkName: rehearsalFrameworkName(cluster) },
    },
  };
}

export function buildRehearsalLabels(cluster: AuroraCluster): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'aurora-operator', [REHEARSAL_LABEL]: cluster.metadata.name };
}

/** The metadata of every rehearsal object: owned by the AuroraCluster, so deleting it collects them too. */
export function buildRehearsalMeta(cluster: AuroraCluster): V1ObjectMeta {
  const owner = buildOwnerReference(cluster);
  return {
    name: rehearsalName(cluster),
    ...(cluster.metadata.namespace ? { namespace: cluster.metadata.namespace } : {}),
    labels: buildRehearsalLabels(cluster),
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
}

/** Bounded resources of the rehearsal containers (docs/backups.md): the scheduler's own limits when the spec sets them. */
export const REHEARSAL_AGENT_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};
export const REHEARSAL_SCHEDULER_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '250m', memory: '1Gi' },
  limits: { cpu: '1', memory: '2Gi' },
};

/**
 * The scheduler container first waits for the operator to copy the backup in through the agent, then runs the
 * Offline restore's wipe-and-recover action in a subshell (it resets "$@"), then becomes the scheduler.
 */
export const REHEARSAL_SCRIPT = `RESTORE_DIR="$OPERATOR_DIR/rehearsal"
mkdir -p "$RESTORE_DIR" || exit 1
printf '%s' "$REHEARSAL_ID" > "$RESTORE_DIR/restoreId"
printf '%s' wipe-and-recover > "$RESTORE_DIR/action"
printf '%s' "$REHEARSAL_BACKUP" > "$RESTORE_DIR/backupId"
printf '%s' ${REHEARSAL_ORDINAL} > "$RESTORE_DIR/recoverOrdinal"
echo "rehearsal: waiting for $REHEARSAL_BACKUP in $BACKUP_DIR"
while [ ! -f "$BACKUP_DIR/$REHEARSAL_BACKUP" ]; do sleep 1; done
( ${RESTORE_ACTION_SCRIPT} ) || { echo "rehearsal: recovery of $REHEARSAL_BACKUP failed"; exit 1; }
exec aurora-scheduler "$@"
`;

function schedulerEnv(rc: AuroraCluster, scheduler: V1Container, id: string, backup: string): V1EnvVar[] {
  const own = scheduler.env ?? [];
  const names = new Set(own.map((e) => e.name));
  // the restore script's inputs (log dir, ZooKeeper, group path) exactly as the log-init container gets them
  const restoreEnv = (buildLogInitContainer(rc).env ?? []).filter((e) => !names.has(e.name));
  return [
    ...own,
    ...restoreEnv,
    { name: 'REHEARSAL_ID', value: id },
    { name: 'REHEARSAL_BACKUP', value: backup },
  ];
}

export interface RehearsalPodOptions {
  /** the id of this rehearsal, the restore id of its markers */
  id: string;
  backup: string;
}

export function buildRehearsalPod(cluster: AuroraCluster, opts: RehearsalPodOptions): V1Pod {
  const rc = rehearsalCluster(cluster);
  const base = buildSchedulerContainer(rc, 'recovery');
  const { livenessProbe: _l, readinessProbe: _r, ...rest } = base;
  const scheduler: V1Container = {
    ...rest,
    name: SCHEDULER_CONTAINER,
    command: ['sh', '-c', REHEARSAL_SCRIPT, 'sh'],
    env: schedulerEnv(rc, base, opts.id, opts.backup),
    volumeMounts: [...(base.volumeMounts ?? []), buildBackupVolumeMount()],
    resources: base.resources ?? REHEARSAL_SCHEDULER_RESOURCES,
  };
  const agent: V1Container = { ...buildBackupAgentContainer(rc), resources: REHEARSAL_AGENT_RESOURCES };
  const spec = cluster.spec;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...buildRehearsalMeta(cluster),
      annotations: { [`${GROUP}/rehearsal-backup`]: opts.backup, [`${GROUP}/rehearsal-id`]: opts.id },
    },
    spec: {
      // a scheduler that exits has failed the rehearsal: nothing restarts it
      restartPolicy: 'Never',
      containers: [scheduler, agent],
      volumes: [
        { name: LOG_VOLUME, emptyDir: {} },
        { name: BACKUPS_VOLUME, emptyDir: {} },
        ...buildZkDigestVolumes(rc),
      ],
      automountServiceAccountToken: false,
      ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
      ...(spec.scheduling?.nodeSelector ? { nodeSelector: { ...spec.scheduling.nodeSelector } } : {}),
    },
  };
}
