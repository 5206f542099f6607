// The aurora-scheduler 0.22 flag set (135 flags, none of the recovery tool's) with a version's plugin flags, value
// validation, defaults, usage.
import { parseDataSize, parseDuration } from './durations.ts';
import { FlagError, splitFlags } from './flag-parser.ts';
import { pluginFlagKinds } from './version-flags.ts';

export { FlagError };

export type FlagKind = 'string' | 'int' | 'bool' | 'duration' | 'data' | 'double';

const DURATION = `async_slot_stat_update_interval async_task_stat_update_interval backup_interval
 cron_start_initial_backoff cron_start_max_backoff dlog_snapshot_interval first_schedule_delay
 flapping_task_threshold framework_failover_timeout history_min_retention_threshold history_prune_threshold
 host_maintenance_polling_interval initial_flapping_task_delay initial_schedule_penalty
 initial_task_kill_retry_interval job_update_history_pruning_interval job_update_history_pruning_threshold
 max_flapping_task_delay max_leading_duration max_registration_delay max_reschedule_task_delay_on_startup
 max_schedule_penalty max_sla_duration_secs min_offer_hold_time native_log_election_timeout native_log_read_timeout
 native_log_write_timeout offer_filter_duration offer_hold_jitter_window offer_reservation_duration
 preemption_delay preemption_slot_hold_time preemption_slot_search_initial_delay preemption_slot_search_interval
 reconciliation_explicit_batch_interval reconciliation_explicit_interval reconciliation_implicit_interval
 reconciliation_initial_delay reconciliation_schedule_spread sla_aware_kill_retry_max_delay
 sla_aware_kill_retry_min_delay sla_coordinator_timeout sla_stat_refresh_interval stat_retention_period
 stat_sampling_interval transient_task_state_timeout unavailability_threshold
 update_affinity_reservation_hold_time zk_connection_timeout zk_session_timeout`;

const BOOL = `allow_container_volumes allow_docker_parameters allow_gpu_resource enable_mesos_fetcher enable_preemptor
 enable_revocable_cpus enable_revocable_ram enable_update_affinity framework_announce_principal
 hold_offers_forever kerberos_debug partition_aware populate_discovery_info receive_revocable_resources
 require_docker_use_executor sla_aware_kill_non_prod thermos_home_in_sandbox zk_in_proc`;

const INT = `async_worker_threads cron_scheduler_num_threads cron_scheduling_max_batch_size
 history_max_per_job_threshold http_port job_update_history_per_job_threshold max_parallel_coordinated_maintenance
 max_saved_backups max_status_update_batch_size
 max_task_event_batch_size max_tasks_per_job max_tasks_per_schedule_attempt max_update_instance_failures
 min_required_instances_for_sla_check native_log_election_retries native_log_quorum_size
 offer_static_ban_cache_max_size preemption_reservation_max_batch_size reconciliation_explicit_batch_size scheduling_max_batch_size
 sla_aware_action_max_batch_size`;

const STRING = `allowed_container_types allowed_job_environments backup_dir cluster_name cron_timezone
 custom_executor_config default_docker_parameters enable_cors_for executor_user framework_authentication_file
 framework_name global_container_mounts hostname http_authentication_mechanism ip mesos_driver
 mesos_master_address mesos_role native_log_file_path native_log_zk_group_path offer_order offer_set_module
 preemption_slot_finder_modules serverset_endpoint_name serverset_path shiro_after_auth_filter
 shiro_credentials_matcher shiro_ini_path shiro_realm_modules sla_non_prod_metrics sla_prod_metrics
 task_assigner_modules thermos_executor_flags thermos_executor_path thermos_executor_resources
 thrift_method_interceptor_modules tier_config viz_job_url_prefix webhook_config zk_chroot_path
 zk_digest_credentials zk_endpoints`;

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

export const FLAG_KINDS: ReadonlyMap<string, FlagKind> = new Map<string, FlagKind>([
  ...words(DURATION).map((n) => [n, 'duration'] as const),
  ...words(BOOL).map((n) => [n, 'bool'] as const),
  ...words(INT).map((n) => [n, 'int'] as const),
  ...words(STRING).map((n) => [n, 'string'] as const),
  ['dlog_max_entry_size', 'data'],
  ['thermos_executor_ram', 'data'],
  ['thermos_executor_cpu', 'double'],
  ['max_schedule_attempts_per_sec', 'double'],
]);

/**
 * Flags declared as `List` fields: JCommander appends each occurrence instead of rejecting the second one.
 * Source: the `@Parameter` fields of the `*Module.Options` classes in apache/aurora rel/0.22.0.
 */
export const LIST_FLAGS: ReadonlySet<string> = new Set(
  words(`allowed_container_types default_docker_parameters global_container_mounts offer_order
 preemption_slot_finder_modules shiro_realm_modules sla_non_prod_metrics sla_prod_metrics task_assigner_modules
 thermos_executor_resources thrift_method_interceptor_modules zk_endpoints`),
);

export const REQUIRED_FLAGS = [
  'cluster_name',
  'serverset_path',
  'zk_endpoints',
  'mesos_master_address',
  'backup_dir',
  'native_log_file_path',
  'native_log_zk_group_path',
  'thermos_executor_path',
] as const;

/** Defaults the simulator relies on, as documented for Aurora 0.22. */
export const FLAG_DEFAULTS: Readonly<Record<string, string>> = {
  native_log_quorum_size: '1',
  native_log_election_timeout: '15secs',
  native_log_election_retries: '20',
  native_log_read_timeout: '5secs',
  native_log_write_timeout: '3secs',
  dlog_max_entry_size: '512KB',
  dlog_snapshot_interval: '1hrs',
  backup_interval: '1hrs',
  max_saved_backups: '48',
  zk_session_timeout: '15secs',
  zk_connection_timeout: '10secs',
  zk_in_proc: 'false',
  serverset_endpoint_name: 'http',
  http_port: '0',
  max_registration_delay: '1mins',
  max_leading_duration: '1days',
  framework_failover_timeout: '21days',
  framework_name: 'Aurora',
  mesos_driver: 'SCHEDULER_DRIVER',
  reconciliation_initial_delay: '1mins',
  executor_user: 'root',
  http_authentication_mechanism: 'NONE',
  thermos_executor_cpu: '0.25',
  thermos_executor_ram: '128MB',
  allowed_container_types: 'MESOS',
};

export type FlagValue = string | number | boolean;

export function convertFlag(
  name: string,
  raw: string,
  kinds: ReadonlyMap<string, FlagKind> = FLAG_KINDS,
): FlagValue {
  const kind = kinds.get(name) ?? 'string';
  try {
    switch (kind) {
      case 'duration':
        return parseDuration(raw);
      case 'data':
        return parseDataSize(raw);
      case 'bool':
        if (raw !== 'true' && raw !== 'false') throw new Error(`"${raw}" is not a boolean (true or false)`);
        return raw === 'true';
      case 'int':
        if (!/^-?\d+$/.test(raw)) throw new Error(`"${raw}" is not an integer`);
        return Number(raw);
      case 'double':
        if (Number.isNaN(Number(raw)) || raw.trim() === '') throw new Error(`"${raw}" is not a number`);
        return Number(raw);
      default:
        return raw;
    }
  } catch (err) {
    throw new FlagError(`Invalid value for -${name}: ${(err as Error).message}`);
  }
}

export interface ParsedFlags {
  /** Converted values (durations in ms, data sizes in bytes), defaults filled in. */
  values: Map<string, FlagValue>;
  /** The textual values as given or defaulted, for the `Parameters:` block. */
  raw: Map<string, string>;
}

/** The flags of the given version (0.22's and its plugin flags; every plugin flag of the table when undefined). */
export function flagKindsOf(version: string | undefined): ReadonlyMap<string, FlagKind> {
  return new Map([...FLAG_KINDS, ...pluginFlagKinds(version)]);
}

/** Parses argv as the scheduler of the given version does: a flag that version does not register is refused. */
export function parseSchedulerFlags(argv: readonly string[], version?: string): ParsedFlags {
  const kinds = flagKindsOf(version);
  const given = splitFlags(argv, new Set(kinds.keys()), LIST_FLAGS);
  for (const name of REQUIRED_FLAGS) {
    if (!given.has(name)) throw new FlagError(`The following option is required: [-${name}]`);
  }
  for (const name of ['serverset_path', 'zk_endpoints'] as const) {
    if (given.get(name) === '') throw new FlagError(`-${name} must not be empty`);
  }
  const raw = new Map<string, string>(Object.entries(FLAG_DEFAULTS));
  for (const [k, v] of given) raw.set(k, v);
  const values = new Map<string, FlagValue>();
  for (const [k, v] of raw) values.set(k, convertFlag(k, v, kinds));
  return { values, raw };
}

export function usage(program = 'aurora-scheduler', version?: string): string {
  const lines = [`Usage: ${program} [options]`, '  Options:'];
  for (const name of [...flagKindsOf(version).keys()].sort()) {
    const star = (REQUIRED_FLAGS as readonly string[]).includes(name) ? '*' : ' ';
    const def = FLAG_DEFAULTS[name];
    lines.push(`  ${star} -${name}${def !== undefined ? `\n      Default: ${def}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function parametersBlock(raw: ReadonlyMap<string, string>): string {
  const dash = '-'.repeat(76);
  const body = [...raw.keys()].sort().map((k) => `${k}: ${raw.get(k) ?? ''}`);
  return ['Parameters:', dash, ...body, dash].join('\n');
}
