// The typed view of the flags the simulator acts on, plus the libprocess environment.
import type { FlagValue, ParsedFlags } from './flags.ts';

export interface SchedulerConfig {
  clusterName: string;
  serversetPath: string;
  serversetEndpointName: string;
  zkEndpoints: string;
  zkChrootPath: string | undefined;
  zkDigestCredentials: string | undefined;
  zkSessionTimeoutMs: number;
  zkConnectionTimeoutMs: number;
  mesosMasterAddress: string;
  backupDir: string;
  backupIntervalMs: number;
  maxSavedBackups: number;
  logPath: string;
  logGroupPath: string;
  quorum: number;
  electionTimeoutMs: number;
  electionRetries: number;
  writeTimeoutMs: number;
  readTimeoutMs: number;
  snapshotIntervalMs: number;
  maxRegistrationDelayMs: number;
  maxLeadingDurationMs: number;
  reconciliationInitialDelayMs: number;
  httpPort: number;
  ip: string | undefined;
  hostname: string | undefined;
  libprocessIp: string;
  libprocessPort: number;
}

function get<T extends FlagValue>(flags: ParsedFlags, name: string): T {
  const v = flags.values.get(name);
  if (v === undefined) throw new Error(`flag -${name} has no value`);
  return v as T;
}

function opt(flags: ParsedFlags, name: string): string | undefined {
  const v = flags.values.get(name);
  return v === undefined || v === '' ? undefined : String(v);
}

export function schedulerConfig(flags: ParsedFlags, env: NodeJS.ProcessEnv): SchedulerConfig {
  const ip = opt(flags, 'ip');
  return {
    clusterName: get(flags, 'cluster_name'),
    serversetPath: get(flags, 'serverset_path'),
    serversetEndpointName: get(flags, 'serverset_endpoint_name'),
    zkEndpoints: get(flags, 'zk_endpoints'),
    zkChrootPath: opt(flags, 'zk_chroot_path'),
    zkDigestCredentials: opt(flags, 'zk_digest_credentials'),
    zkSessionTimeoutMs: get(flags, 'zk_session_timeout'),
    zkConnectionTimeoutMs: get(flags, 'zk_connection_timeout'),
    mesosMasterAddress: get(flags, 'mesos_master_address'),
    backupDir: get(flags, 'backup_dir'),
    backupIntervalMs: get(flags, 'backup_interval'),
    maxSavedBackups: get(flags, 'max_saved_backups'),
    logPath: get(flags, 'native_log_file_path'),
    logGroupPath: get(flags, 'native_log_zk_group_path'),
    quorum: get(flags, 'native_log_quorum_size'),
    electionTimeoutMs: get(flags, 'native_log_election_timeout'),
    electionRetries: get(flags, 'native_log_election_retries'),
    writeTimeoutMs: get(flags, 'native_log_write_timeout'),
    readTimeoutMs: get(flags, 'native_log_read_timeout'),
    snapshotIntervalMs: get(flags, 'dlog_snapshot_interval'),
    maxRegistrationDelayMs: get(flags, 'max_registration_delay'),
    maxLeadingDurationMs: get(flags, 'max_leading_duration'),
    reconciliationInitialDelayMs: get(flags, 'reconciliation_initial_delay'),
    httpPort: get(flags, 'http_port'),
    ip,
    hostname: opt(flags, 'hostname'),
    // libprocess binds LIBPROCESS_IP (default: the -ip, else loopback so nothing leaves the host).
    libprocessIp: env['LIBPROCESS_IP'] ?? ip ?? '127.0.0.1',
    libprocessPort: Number(env['LIBPROCESS_PORT'] ?? 0),
  };
}

/** The host written to ZooKeeper and redirects: -hostname, else -ip, else loopback. */
export function advertisedHost(cfg: SchedulerConfig): string {
  return cfg.hostname ?? (cfg.ip && cfg.ip !== '0.0.0.0' ? cfg.ip : '127.0.0.1');
}
