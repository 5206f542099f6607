// The ConfigMap that tells a scheduler pod's log-init step which restore action to perform, once per restore.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta } from './labels.ts';
import { restoreConfigMapName } from './names.ts';

export type RestoreAction = 'wipe' | 'wipe-and-recover' | 'rollback';

export interface RestoreInstruction {
  readonly restoreId: string;
  readonly action: RestoreAction;
  readonly backupId: string;
  /** only the pod with this ordinal runs recovery-tool for wipe-and-recover */
  readonly recoverOrdinal?: number;
}

export function buildRestoreConfigMap(cluster: AuroraCluster, instruction: RestoreInstruction): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: buildObjectMeta(cluster, restoreConfigMapName(cluster)),
    data: {
      restoreId: instruction.restoreId,
      action: instruction.action,
      backupId: instruction.backupId,
      recoverOrdinal: String(instruction.recoverOrdinal ?? -1),
    },
  };
}

/** markerName is the file the log-init step writes after finishing an action, checked by the agents' /markers. */
export function markerName(restoreId: string, action: RestoreAction): string {
  return `${restoreId}.${action}.done`;
}
