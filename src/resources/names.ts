// Deterministic object names and label keys derived from the AuroraCluster, shared by builders and the reconciler.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { GROUP } from '../api/group.ts';

export const CLUSTER_LABEL = `${GROUP}/cluster`;
export const ROLE_LABEL = `${GROUP}/role`;
export const LEADER_ROLE = 'leader';

export const LOG_INIT_MOUNT_DIR = '/etc/aurora-operator/log-init';
export const LOG_INIT_ALLOWED_KEY = 'allowed';

export const SCHEDULER_CONTAINER = 'scheduler';
export const LOG_INIT_CONTAINER = 'log-init';
export const LOG_VOLUME = 'log';
export const BACKUPS_VOLUME = 'backups';

export function statefulSetName(cluster: AuroraCluster): string {
  return cluster.metadata.name;
}

export function headlessServiceName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-headless`;
}

export function clientServiceName(cluster: AuroraCluster): string {
  return cluster.metadata.name;
}

export function podDisruptionBudgetName(cluster: AuroraCluster): string {
  return cluster.metadata.name;
}

export function logInitConfigMapName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-log-init`;
}

/** podName is the StatefulSet pod name of an ordinal. */
export function podName(cluster: AuroraCluster, ordinal: number): string {
  return `${statefulSetName(cluster)}-${ordinal}`;
}

export const BACKUP_AGENT_CONTAINER = 'backup-agent';
export const RESTORE_VOLUME = 'restore';
export const RESTORE_MOUNT_DIR = '/etc/aurora-operator/restore';

export function restoreConfigMapName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-restore`;
}

export function restoreNetworkPolicyName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-restore-block`;
}
