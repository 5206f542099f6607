// Command-line flags of the scheduler container, derived from the spec; only flags Aurora 0.22 knows.
import { quorumSize, type AuroraCluster } from '../api/aurora-cluster.ts';

export type SchedulerMode = 'normal' | 'recovery';

// a ZooKeeper address that cannot exist, so a recovering scheduler never registers with Mesos
export const RECOVERY_MESOS_MASTER = 'zk://127.0.0.1:1/aurora-operator/no-mesos-master';
// Aurora rejects the seed's `360min`; `mins` is the unit its duration parser accepts
export const RECOVERY_MAX_REGISTRATION_DELAY = '360mins';
export const RECOVERY_RECONCILIATION_INITIAL_DELAY = '365days';

/** The digest credentials Secret key, mounted as a file so `user:password` never enters argv or the environment. */
export const ZK_DIGEST_VOLUME = 'zk-digest-credentials';
export const ZK_DIGEST_MOUNT_DIR = '/etc/aurora-operator/zk-digest';
export const ZK_DIGEST_FILE = `${ZK_DIGEST_MOUNT_DIR}/credentials`;

/**
 * zkDigestArgs passes the credentials as JCommander's `@file` argument (Aurora 0.22 parses argv with JCommander
 * 1.72, which expands `@path` to the file's lines), so argv, `ps` and Aurora's `sun.java.command` show only the path.
 */
export function zkDigestArgs(cluster: AuroraCluster): string[] {
  return cluster.spec.zookeeper.digestCredentialsSecret
    ? ['-zk_digest_credentials', `@${ZK_DIGEST_FILE}`]
    : [];
}

type Flag = readonly [name: string, value: string | number | undefined];

/**
 * buildSchedulerArgs returns `-flag=value` arguments; recovery mode is the backup-restore guide's "partially
 * disabled" scheduler that accepts storage recovery calls but cannot register with Mesos or touch tasks.
 */
export function buildSchedulerArgs(cluster: AuroraCluster, mode: SchedulerMode): string[] {
  const flags: Flag[] = [
    ...identityFlags(cluster),
    ...zooKeeperFlags(cluster),
    ...mesosFlags(cluster, mode),
    ...replicatedLogFlags(cluster),
    ...backupFlags(cluster),
    ...executorFlags(cluster),
  ];
  const args = flags.filter(([, value]) => value !== undefined).map(([name, value]) => `-${name}=${value}`);
  return [...args, ...zkDigestArgs(cluster), ...cluster.spec.extraArgs];
}

function identityFlags(cluster: AuroraCluster): Flag[] {
  return [
    ['cluster_name', cluster.spec.clusterName],
    ['http_port', cluster.spec.httpPort],
    // $(POD_IP) is expanded by the kubelet, so each scheduler binds and advertises its own pod IP
    ['ip', '$(POD_IP)'],
    ['hostname', '$(POD_IP)'],
  ];
}

function zooKeeperFlags(cluster: AuroraCluster): Flag[] {
  const zk = cluster.spec.zookeeper;
  return [
    ['zk_endpoints', zk.endpoints.join(',')],
    ['zk_chroot_path', zk.chrootPath],
    ['zk_session_timeout', zk.sessionTimeout],
    ['zk_connection_timeout', zk.connectionTimeout],
    ['serverset_path', cluster.spec.serversetPath],
  ];
}

function mesosFlags(cluster: AuroraCluster, mode: SchedulerMode): Flag[] {
  const mesos = cluster.spec.mesos;
  const recovery = mode === 'recovery';
  return [
    ['mesos_master_address', recovery ? RECOVERY_MESOS_MASTER : mesos.masterAddress],
    ['max_registration_delay', recovery ? RECOVERY_MAX_REGISTRATION_DELAY : mesos.maxRegistrationDelay],
    ['reconciliation_initial_delay', recovery ? RECOVERY_RECONCILIATION_INITIAL_DELAY : undefined],
    ['framework_name', mesos.frameworkName],
    ['mesos_role', mesos.role],
    ['max_leading_duration', cluster.spec.maxLeadingDuration],
  ];
}

function replicatedLogFlags(cluster: AuroraCluster): Flag[] {
  const log = cluster.spec.replicatedLog;
  return [
    // always derived from replicas: a wrong quorum size corrupts the replicated log
    ['native_log_quorum_size', quorumSize(cluster.spec.replicas)],
    ['native_log_file_path', log.path],
    ['native_log_zk_group_path', log.zkGroupPath],
    ['native_log_election_timeout', log.electionTimeout],
    ['native_log_election_retries', log.electionRetries],
    ['native_log_read_timeout', log.readTimeout],
    ['native_log_write_timeout', log.writeTimeout],
    ['dlog_snapshot_interval', log.snapshotInterval],
  ];
}

function backupFlags(cluster: AuroraCluster): Flag[] {
  const backup = cluster.spec.backup;
  return [
    ['backup_dir', backup.dir],
    ['backup_interval', backup.interval],
    ['max_saved_backups', backup.maxSaved],
  ];
}

function executorFlags(cluster: AuroraCluster): Flag[] {
  const executor = cluster.spec.thermosExecutor;
  return [
    ['thermos_executor_path', executor.path],
    ['thermos_executor_flags', executor.flags],
    ['thermos_executor_resources', executor.resources?.length ? executor.resources.join(',') : undefined],
    ['thermos_executor_cpu', executor.cpu],
    ['thermos_executor_ram', executor.ram],
  ];
}

/**
 * withQuorumFlag replaces -native_log_quorum_size in built arguments: while replicas change, the quorum moves
 * ahead of (scale-up) or behind (scale-down) the replica count, in the order Aurora's configuration guide gives.
 */
export function withQuorumFlag(args: readonly string[], quorum: number): string[] {
  return args.map((arg) =>
    arg.startsWith('-native_log_quorum_size=') ? `-native_log_quorum_size=${quorum}` : arg,
  );
}
