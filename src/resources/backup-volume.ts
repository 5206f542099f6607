// The backups volume as the operator's containers see it (layout v2): whole at a fixed path, directories by env.
import type { V1EnvVar, V1VolumeMount } from '@kubernetes/client-node';
import {
  BACKUP_VOLUME_MOUNT_DIR,
  OPERATOR_STATE_SUBDIR,
  SCHEDULER_BACKUPS_SUBDIR,
} from '../api/contracts.ts';
import { BACKUPS_VOLUME } from './names.ts';

/** The scheduler's -backup_dir, as seen by containers that mount the whole volume. */
export const SCHEDULER_BACKUPS_PATH = `${BACKUP_VOLUME_MOUNT_DIR}/${SCHEDULER_BACKUPS_SUBDIR}`;
/** Restore markers, moved-aside logs and uploads in progress. */
export const OPERATOR_STATE_PATH = `${BACKUP_VOLUME_MOUNT_DIR}/${OPERATOR_STATE_SUBDIR}`;

/** buildBackupVolumeMount mounts the whole volume, so log-init and the agent reach both subdirectories. */
export function buildBackupVolumeMount(): V1VolumeMount {
  return { name: BACKUPS_VOLUME, mountPath: BACKUP_VOLUME_MOUNT_DIR };
}

/** buildBackupDirEnv: the two subdirectories travel as env vars, so no script ever quotes a path. */
export function buildBackupDirEnv(): V1EnvVar[] {
  return [
    { name: 'BACKUP_DIR', value: SCHEDULER_BACKUPS_PATH },
    { name: 'OPERATOR_DIR', value: OPERATOR_STATE_PATH },
  ];
}
