// The guarded replicated-log initialization and restore actions: the ConfigMap switch and the init container.
import type { V1ConfigMap, V1Container } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import {
  BACKUP_VOLUME_MOUNT_DIR,
  LEGACY_OPERATOR_STATE_DIR,
  PRE_RESTORE_LOG_PREFIX,
} from '../api/contracts.ts';
import { buildBackupDirEnv, buildBackupVolumeMount } from './backup-volume.ts';
import { buildObjectMeta } from './labels.ts';
import { ZK_DIGEST_FILE } from './scheduler-args.ts';
import { buildSchedulerEnv, buildZkDigestMounts } from './scheduler-container.ts';
import {
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
# the volume root counts too: it holds backups whenever the layout migration could not finish
for dir in "$BACKUP_DIR" "$BACKUP_VOLUME"; do
  files=$(ls -A "$dir") || { echo "log-init: cannot list $dir"; exit 1; }
  backups=$(printf '%s\\n' "$files" | grep '^scheduler-backup-' || true)
  if [ -n "$backups" ]; then
    echo "log-init: skipped: guard=backups-present: $dir holds scheduler-backup-* files (restore instead)"
    exit 0
  fi
done
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
  marks="$OPERATOR_DIR"
  marker="$marks/$restore_id.$action.done"
  pre="$marks/${PRE_RESTORE_LOG_PREFIX}$restore_id"
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
          if [ -n "\${ZK_DIGEST_FILE:-}" ]; then set -- "$@" -zk_digest_credentials "@$ZK_DIGEST_FILE"; fi
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

/**
 * BACKUP_LAYOUT_SCRIPT moves a layout v1 backups volume (backups and ${LEGACY_OPERATOR_STATE_DIR}/ at its root) into
 * layout v2. Every move is a rename within the volume, so a crash leaves each entry whole in one place and a re-run
 * finishes the rest; a directory already present is merged, an empty marker present twice is dropped once, and any
 * other clash is left in place and reported rather than overwritten.
 */
export const BACKUP_LAYOUT_SCRIPT = `if [ -z "\${BACKUP_VOLUME:-}" ] || [ -z "\${BACKUP_DIR:-}" ] || [ -z "\${OPERATOR_DIR:-}" ]; then
  echo "log-init: BACKUP_VOLUME, BACKUP_DIR and OPERATOR_DIR must be set"
  exit 1
fi
mkdir -p "$BACKUP_DIR" "$OPERATOR_DIR" || { echo "log-init: cannot create $BACKUP_DIR and $OPERATOR_DIR"; exit 1; }
migrate_entry() (
  dest="$2/\${1##*/}"
  if [ ! -e "$dest" ] && [ ! -L "$dest" ]; then
    mv "$1" "$dest" || exit 1
  elif [ -d "$1" ] && [ ! -L "$1" ] && [ -d "$dest" ] && [ ! -L "$dest" ]; then
    for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
      if [ -e "$e" ] || [ -L "$e" ]; then migrate_entry "$e" "$dest" || exit 1; fi
    done
    rmdir "$1" 2>/dev/null || true
  elif [ -f "$1" ] && [ ! -L "$1" ] && [ ! -s "$1" ] && [ -f "$dest" ] && [ ! -s "$dest" ]; then
    rm -f "$1" || exit 1
  else
    echo "log-init: layout: kept $1 because $dest exists already; resolve by hand"
  fi
)
legacy="$BACKUP_VOLUME/${LEGACY_OPERATOR_STATE_DIR}"
if [ -d "$legacy" ] || ls -d "$BACKUP_VOLUME"/scheduler-backup-* >/dev/null 2>&1; then
  echo "log-init: layout: moving the backups volume to layout v2"
  for f in "$BACKUP_VOLUME"/scheduler-backup-*; do
    if [ -e "$f" ] || [ -L "$f" ]; then migrate_entry "$f" "$BACKUP_DIR" || { echo "log-init: layout: cannot move $f"; exit 1; }; fi
  done
  if [ -d "$legacy" ]; then
    for f in "$legacy"/* "$legacy"/.[!.]* "$legacy"/..?*; do
      if [ -e "$f" ] || [ -L "$f" ]; then migrate_entry "$f" "$OPERATOR_DIR" || { echo "log-init: layout: cannot move $f"; exit 1; }; fi
    done
    rmdir "$legacy" 2>/dev/null || echo "log-init: layout: $legacy is not empty; left in place"
  fi
  echo "log-init: layout: backups in $BACKUP_DIR, operator state in $OPERATOR_DIR"
fi
`;

/** LOG_INIT_SCRIPT migrates the volume layout, performs a pending restore action, then the first-creation guard. */
export const LOG_INIT_SCRIPT = BACKUP_LAYOUT_SCRIPT + RESTORE_ACTION_SCRIPT + LOG_INIT_GUARD_SCRIPT;

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
      { name: 'BACKUP_VOLUME', value: BACKUP_VOLUME_MOUNT_DIR },
      ...buildBackupDirEnv(),
      { name: 'RESTORE_DIR', value: RESTORE_MOUNT_DIR },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'ZK_ENDPOINTS', value: spec.zookeeper.endpoints.join(',') },
      { name: 'LOG_ZK_GROUP_PATH', value: spec.replicatedLog.zkGroupPath },
      // recovery-tool is a JVM program that joins the log group: same JVM options, ZooKeeper credentials file and
      // libprocess address (the pod IP), so the operator can tell it from a foreign member of the group
      ...buildSchedulerEnv(cluster).filter((e) => ['POD_IP', 'LIBPROCESS_IP', 'JAVA_OPTS'].includes(e.name)),
      ...(cluster.spec.zookeeper.digestCredentialsSecret
        ? [{ name: 'ZK_DIGEST_FILE', value: ZK_DIGEST_FILE }]
        : []),
    ],
    volumeMounts: [
      { name: LOG_VOLUME, mountPath: spec.replicatedLog.path },
      buildBackupVolumeMount(),
      { name: LOG_INIT_VOLUME, mountPath: LOG_INIT_MOUNT_DIR, readOnly: true },
      { name: RESTORE_VOLUME, mountPath: RESTORE_MOUNT_DIR, readOnly: true },
      ...buildZkDigestMounts(cluster),
    ],
  };
}
