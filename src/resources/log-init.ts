// The guarded replicated-log initialization and restore actions: the ConfigMap switch and the init container.
import type { V1ConfigMap, V1Container } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { MARKER_DIR_NAME } from '../api/contracts.ts';
import { buildObjectMeta } from './labels.ts';
import { ZK_DIGEST_ENV } from './scheduler-args.ts';
import { buildSchedulerEnv } from './scheduler-container.ts';
import {
  BACKUPS_VOLUME,
  LOG_INIT_ALLOWED_KEY,
  LOG_INIT_CONTAINER,
  LOG_INIT_MOUNT_DIR,
  LOG_VOLUME,
  logInitConfigMapName,
  RESTORE_MOUNT_DIR,
  RESTORE_VOLUME,
} from './names.ts';

export const LOG_INIT_VOLUME = 'log-init';

/**
 * LOG_INIT_SCRIPT initializes the log only on a brand-new replica: initializing a replica that once held
 * data would let a quorum forget committed state, so every guard that says no exits 0 and says why.
 */
export const LOG_INIT_GUARD_SCRIPT = `allowed=$(cat "$ALLOWED_FILE" 2>/dev/null || true)
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

/**
 * RESTORE_ACTION_SCRIPT runs the action of the mounted restore ConfigMap at most once per restore and replica
 * (a marker on the backups volume records it); the wiped log is kept aside so a cancelled restore can put it back.
 */
export const RESTORE_ACTION_SCRIPT = `restore_id=$(cat "$RESTORE_DIR/restoreId" 2>/dev/null || true)
if [ -n "$restore_id" ]; then
  action=$(cat "$RESTORE_DIR/action")
  backup_id=$(cat "$RESTORE_DIR/backupId")
  recover_ordinal=$(cat "$RESTORE_DIR/recoverOrdinal" 2>/dev/null || echo -1)
  ordinal=\${POD_NAME##*-}
  marks="$BACKUP_DIR/${MARKER_DIR_NAME}"
  marker="$marks/$restore_id.$action.done"
  pre="$marks/pre-restore-$restore_id"
  mkdir -p "$marks" "$LOG_DIR" || exit 1
  entries() { ls -A "$1" | grep -v -x -F 'lost+found' || true; }
  move_all() { for f in $(entries "$1"); do mv "$1/$f" "$2/" || return 1; done; }
  clear_log() { for f in $(entries "$LOG_DIR"); do rm -rf "\${LOG_DIR:?}/$f" || return 1; done; }
  if [ -e "$marker" ]; then
    echo "log-init: restore $restore_id: $action already done on this replica"
  else
    case "$action" in
      wipe|wipe-and-recover)
        if [ ! -d "$pre" ]; then
          mkdir -p "$pre.partial" && move_all "$LOG_DIR" "$pre.partial" && mv "$pre.partial" "$pre" || exit 1
          echo "log-init: restore $restore_id: moved the replicated log aside to $pre"
        else
          clear_log || exit 1
        fi
        mesos-log initialize --path="$LOG_DIR" || { echo "log-init: mesos-log initialize failed"; exit 1; }
        echo "log-init: restore $restore_id: wiped and initialized the replicated log"
        if [ "$action" = wipe-and-recover ] && [ "$ordinal" = "$recover_ordinal" ]; then
          set -- -from BACKUP -to LOG -backup="$BACKUP_DIR/$backup_id" -native_log_file_path="$LOG_DIR" \\
            -native_log_zk_group_path="$LOG_ZK_GROUP_PATH" -zk_endpoints="$ZK_ENDPOINTS"
          if [ -n "\${ZK_DIGEST_CREDENTIALS:-}" ]; then set -- "$@" -zk_digest_credentials="$ZK_DIGEST_CREDENTIALS"; fi
          recovery-tool "$@" || exit 1
          echo "log-init: restore $restore_id: recovered $backup_id into the replicated log"
        fi
        ;;
      rollback)
        if [ -d "$pre.partial" ]; then move_all "$pre.partial" "$LOG_DIR" && rmdir "$pre.partial" || exit 1; fi
        if [ -d "$pre" ]; then clear_log && mv "$pre" "$pre.rollback" || exit 1; fi
        if [ -d "$pre.rollback" ]; then move_all "$pre.rollback" "$LOG_DIR" && rmdir "$pre.rollback" || exit 1; fi
        echo "log-init: restore $restore_id: put the pre-restore replicated log back"
        ;;
      *)
        echo "log-init: restore $restore_id: unknown action '$action'"
        exit 1
        ;;
    esac
    touch "$marker" || exit 1
  fi
fi
`;

/** LOG_INIT_SCRIPT performs a pending restore action first, then the first-creation guard as before. */
export const LOG_INIT_SCRIPT = RESTORE_ACTION_SCRIPT + LOG_INIT_GUARD_SCRIPT;

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
      { name: 'RESTORE_DIR', value: RESTORE_MOUNT_DIR },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'ZK_ENDPOINTS', value: spec.zookeeper.endpoints.join(',') },
      { name: 'LOG_ZK_GROUP_PATH', value: spec.replicatedLog.zkGroupPath },
      // recovery-tool is a JVM program that joins the log group: same JVM options and ZooKeeper credentials
      ...buildSchedulerEnv(cluster).filter((e) => e.name === 'JAVA_OPTS' || e.name === ZK_DIGEST_ENV),
    ],
    volumeMounts: [
      { name: LOG_VOLUME, mountPath: spec.replicatedLog.path },
      { name: BACKUPS_VOLUME, mountPath: spec.backup.dir },
      { name: LOG_INIT_VOLUME, mountPath: LOG_INIT_MOUNT_DIR, readOnly: true },
      { name: RESTORE_VOLUME, mountPath: RESTORE_MOUNT_DIR, readOnly: true },
    ],
  };
}
