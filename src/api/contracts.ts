// Annotations, finalizers and markers other components and users rely on: the operator's API contracts.
import type { AuroraCluster } from './aurora-cluster.ts';
import { GROUP } from './group.ts';

/** On an AuroraCluster: the AuroraRestore that holds the cluster; its reconciler leaves the StatefulSet alone. */
export const RESTORE_LOCK_ANNOTATION = `${GROUP}/restore-lock`;

/** On an AuroraRestore: deletion before commit must first put the cluster back. */
export const RESTORE_FINALIZER = `${GROUP}/restore`;

/** On the scheduler StatefulSet: which configuration the builder rendered (normal or partially disabled). */
export const SCHEDULER_MODE_ANNOTATION = `${GROUP}/scheduler-mode`;

/** On the scheduler StatefulSet: spec.replicas of the AuroraCluster it was built from (a restore scales it down). */
export const CLUSTER_REPLICAS_ANNOTATION = `${GROUP}/cluster-replicas`;

/** On the scheduler StatefulSet: the -native_log_quorum_size its template passes (differs from spec while scaling). */
export const LOG_QUORUM_ANNOTATION = `${GROUP}/log-quorum`;

/** On a replicated-log PVC: when the operator first saw this replica's log initialized (durable evidence). */
export const LOG_INITIALIZED_ANNOTATION = `${GROUP}/log-initialized`;

/** The Secret holding a cluster's backup-agent token: the operator creates it, each agent pod reads it. */
export function agentSecretName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-backup-agent`;
}

/** The key of the token in that Secret. */
export const AGENT_TOKEN_KEY = 'token';

/**
 * Layout v2 of the backups volume: Aurora's -backup_dir is a subdirectory (mounted with subPath), because
 * listBackups shows every entry of that directory; the operator's state (restore markers, moved-aside logs,
 * uploads in progress) sits beside it, where the scheduler cannot see it.
 */
export const SCHEDULER_BACKUPS_SUBDIR = 'scheduler-backups';
export const OPERATOR_STATE_SUBDIR = 'aurora-operator';

/** Where the log-init container and the backup agent mount the whole backups volume. */
export const BACKUP_VOLUME_MOUNT_DIR = '/var/lib/aurora-operator/backup-volume';

/** Layout v1 kept the operator's state in this directory inside -backup_dir; log-init migrates it once. */
export const LEGACY_OPERATOR_STATE_DIR = '.aurora-operator';

/** The moved-aside log of a restore: `<operator state>/pre-restore-<restoreId>/`, needed for rollback. */
export const PRE_RESTORE_LOG_PREFIX = 'pre-restore-';

/** The marker the operator writes through each agent once a restore succeeded: its moved-aside log may expire. */
export function succeededMarkerName(restoreId: string): string {
  return `${restoreId}.succeeded`;
}
