// Annotations, finalizers and markers other components and users rely on: the operator's API contracts.
import type { AuroraCluster } from './aurora-cluster.ts';
import { GROUP } from './group.ts';

/** On an AuroraCluster: the AuroraRestore that holds the cluster; its reconciler leaves the StatefulSet alone. */
export const RESTORE_LOCK_ANNOTATION = `${GROUP}/restore-lock`;

/** On an AuroraRestore: deletion before commit must first put the cluster back. */
export const RESTORE_FINALIZER = `${GROUP}/restore`;

/** On the scheduler StatefulSet: which configuration the builder rendered (normal or partially disabled). */
export const SCHEDULER_MODE_ANNOTATION = `${GROUP}/scheduler-mode`;

/** On a replicated-log PVC: when the operator first saw this replica's log initialized (durable evidence). */
export const LOG_INITIALIZED_ANNOTATION = `${GROUP}/log-initialized`;

/** The Secret holding a cluster's backup-agent token: the operator creates it, each agent pod reads it. */
export function agentSecretName(cluster: AuroraCluster): string {
  return `${cluster.metadata.name}-backup-agent`;
}

/** The key of the token in that Secret. */
export const AGENT_TOKEN_KEY = 'token';

/** Marker files of restore actions, on the backups volume so they survive pod replacement; the agent lists them. */
export const MARKER_DIR_NAME = '.aurora-operator';
