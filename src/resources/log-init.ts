// The guarded replicated-log initialization: its ConfigMap switch and its init container.
import type { V1ConfigMap, V1Container } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildObjectMeta } from './labels.ts';
import {
  BACKUPS_VOLUME,
  LOG_INIT_ALLOWED_KEY,
  LOG_INIT_CONTAINER,
  LOG_INIT_MOUNT_DIR,
  LOG_VOLUME,
  logInitConfigMapName,
} from './names.ts';

export const LOG_INIT_VOLUME = 'log-init';

/**
 * LOG_INIT_SCRIPT initializes the log only on a brand-new replica: initializing a replica that once held
 * data would let a quorum forget committed state, so every guard that says no exits 0 and says why.
 */
export const LOG_INIT_SCRIPT = `allowed=$(cat "$ALLOWED_FILE" 2>/dev/null || true)
if [ "$allowed" != "true" ]; then
  echo "log-init: skipped: guard=allowed: $ALLOWED_FILE says '$allowed', not 'true' (false once the log was initialized)"
  exit 0
fi
mkdir -p "$LOG_DIR" "$BACKUP_DIR"
entries=$(ls -A "$LOG_DIR") || { echo "log-init: cannot list $LOG_DIR"; exit 1; }
existing=$(printf '%s\\n' "$entries" | grep -v -x -F 'lost+found' || true)
if [ -n "$existing" ]; then
  echo "log-init: skipped: guard=log-dir-not-empty: $LOG_DIR already holds data"
  exit 0
fi
files=$(ls -A "$BACKUP_DIR") || { echo "log-init: cannot list $BACKUP_DIR"; exit 1; }
backups=$(printf '%s\\n' "$files" | grep '^scheduler-backup-' || true)
if [ -n "$backups" ]; then
  echo "log-init: skipped: guard=backups-present: $BACKUP_DIR holds scheduler-backup-* files (restore instead)"
  exit 0
fi
echo "log-init: initializing the replicated log in $LOG_DIR"
exec mesos-log initialize --path="$LOG_DIR"
`;

/** buildLogInitConfigMap holds the switch the operator turns off once the status marks the log initialized. */
export function buildLogInitConfigMap(cluster: AuroraCluster, allowed: boolean): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: buildObjectMeta(cluster, logInitConfigMapName(cluster)),
    data: { [LOG_INIT_ALLOWED_KEY]: allowed ? 'true' : 'false' },
  };
}

export function buildLogInitContainer(cluster: AuroraCluster): V1Container {
  const spec = cluster.spec;
  return {
    name: LOG_INIT_CONTAINER,
    image: spec.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: ['sh', '-c', LOG_INIT_SCRIPT],
    // paths travel as env vars so the script never needs shell quoting of user input
    env: [
      { name: 'ALLOWED_FILE', value: `${LOG_INIT_MOUNT_DIR}/${LOG_INIT_ALLOWED_KEY}` },
      { name: 'LOG_DIR', value: spec.replicatedLog.path },
      { name: 'BACKUP_DIR', value: spec.backup.dir },
    ],
    volumeMounts: [
      { name: LOG_VOLUME, mountPath: spec.replicatedLog.path },
      { name: BACKUPS_VOLUME, mountPath: spec.backup.dir },
      { name: LOG_INIT_VOLUME, mountPath: LOG_INIT_MOUNT_DIR, readOnly: true },
    ],
  };
}
