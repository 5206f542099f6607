// The extraArgs rules, from Aurora 0.22's JCommander 1.72 parsing (docs/simulator.md has the sources): the 135
// scheduler flags, single dash, `-flag=value`, each at most once unless it is a List flag. Later versions' plugin flags
// (aurora-versions.ts) pass here and are checked against the cluster's version in the spec.
import { z } from 'zod';
import { PLUGIN_FLAGS } from './aurora-versions.ts';

/** Flags of the aurora-scheduler program; any other argument makes it print its usage and exit 1. */
export const SCHEDULER_FLAGS: ReadonlySet<string> = new Set([
  'allow_container_volumes',
  'allow_docker_parameters',
  'allow_gpu_resource',
  'allowed_container_types',
  'allowed_job_environments',
  'async_slot_stat_update_interval',
  'async_task_stat_update_interval',
  'async_worker_threads',
  'backup_dir',
  'backup_interval',
  'cluster_name',
  'cron_scheduler_num_threads',
  'cron_scheduling_max_batch_size',
  'cron_start_initial_backoff',
  'cron_start_max_backoff',
  'cron_timezone',
  'custom_executor_config',
  'default_docker_parameters',
  'dlog_max_entry_size',
  'dlog_snapshot_interval',
  'enable_cors_for',
  'enable_mesos_fetcher',
  'enable_preemptor',
  'enable_revocable_cpus',
  'enable_revocable_ram',
  'enable_update_affinity',
  'executor_user',
  'first_schedule_delay',
  'flapping_task_threshold',
  'framework_announce_principal',
  'framework_authentication_file',
  'framework_failover_timeout',
  'framework_name',
  'global_container_mounts',
  'history_max_per_job_threshold',
  'history_min_retention_threshold',
  'history_prune_threshold',
  'hold_offers_forever',
  'host_maintenance_polling_interval',
  'hostname',
  'http_authentication_mechanism',
  'http_port',
  'initial_flapping_task_delay',
  'initial_schedule_penalty',
  'initial_task_kill_retry_interval',
  'ip',
  'job_update_history_per_job_threshold',
  'job_update_history_pruning_interval',
  'job_update_history_pruning_threshold',
  'kerberos_debug',
  'max_flapping_task_delay',
  'max_leading_duration',
  'max_parallel_coordinated_maintenance',
  'max_registration_delay',
  'max_reschedule_task_delay_on_startup',
  'max_saved_backups',
  'max_schedule_attempts_per_sec',
  'max_schedule_penalty',
  'max_sla_duration_secs',
  'max_status_update_batch_size',
  'max_task_event_batch_size',
  'max_tasks_per_job',
  'max_tasks_per_schedule_attempt',
  'max_update_instance_failures',
  'mesos_driver',
  'mesos_master_address',
  'mesos_role',
  'min_offer_hold_time',
  'min_required_instances_for_sla_check',
  'native_log_election_retries',
  'native_log_election_timeout',
  'native_log_file_path',
  'native_log_quorum_size',
  'native_log_read_timeout',
  'native_log_write_timeout',
  'native_log_zk_group_path',
  'offer_filter_duration',
  'offer_hold_jitter_window',
  'offer_order',
  'offer_reservation_duration',
  'offer_set_module',
  'offer_static_ban_cache_max_size',
  'partition_aware',
  'populate_discovery_info',
  'preemption_delay',
  'preemption_reservation_max_batch_size',
  'preemption_slot_finder_modules',
  'preemption_slot_hold_time',
  'preemption_slot_search_initial_delay',
  'preemption_slot_search_interval',
  'receive_revocable_resources',
  'reconciliation_explicit_batch_interval',
  'reconciliation_explicit_batch_size',
  'reconciliation_explicit_interval',
  'reconciliation_implicit_interval',
  'reconciliation_initial_delay',
  'reconciliation_schedule_spread',
  'require_docker_use_executor',
  'scheduling_max_batch_size',
  'serverset_endpoint_name',
  'serverset_path',
  'shiro_after_auth_filter',
  'shiro_credentials_matcher',
  'shiro_ini_path',
  'shiro_realm_modules',
  'sla_aware_action_max_batch_size',
  'sla_aware_kill_non_prod',
  'sla_aware_kill_retry_max_delay',
  'sla_aware_kill_retry_min_delay',
  'sla_coordinator_timeout',
  'sla_non_prod_metrics',
  'sla_prod_metrics',
  'sla_stat_refresh_interval',
  'stat_retention_period',
  'stat_sampling_interval',
  'task_assigner_modules',
  'thermos_executor_cpu',
  'thermos_executor_flags',
  'thermos_executor_path',
  'thermos_executor_ram',
  'thermos_executor_resources',
  'thermos_home_in_sandbox',
  'thrift_method_interceptor_modules',
  'tier_config',
  'transient_task_state_timeout',
  'unavailability_threshold',
  'update_affinity_reservation_hold_time',
  'viz_job_url_prefix',
  'webhook_config',
  'zk_chroot_path',
  'zk_connection_timeout',
  'zk_digest_credentials',
  'zk_endpoints',
  'zk_in_proc',
  'zk_session_timeout',
]);

/** The recovery tool's own flags (RecoveryTool.Options): the scheduler has none of them. */
export const RECOVERY_TOOL_FLAGS: ReadonlySet<string> = new Set(['backup', 'from', 'to', 'batch-size']);

/** Flags declared as a `List`: JCommander appends a repeated one, and rejects any other option given twice. */
export const LIST_FLAGS: ReadonlySet<string> = new Set([
  'allowed_container_types',
  'default_docker_parameters',
  'global_container_mounts',
  'offer_order',
  'preemption_slot_finder_modules',
  'shiro_realm_modules',
  'sla_non_prod_metrics',
  'sla_prod_metrics',
  'task_assigner_modules',
  'thermos_executor_resources',
  'thrift_method_interceptor_modules',
  'zk_endpoints',
]);

/** Flags the operator derives, mapped to where their value comes from; extraArgs must not set them. */
export const MANAGED_FLAGS: ReadonlyMap<string, string> = new Map([
  ['cluster_name', 'spec.clusterName'],
  ['http_port', 'spec.httpPort'],
  ['ip', 'the pod IP'],
  ['hostname', 'the pod IP'],
  ['zk_endpoints', 'spec.zookeeper.endpoints'],
  ['zk_chroot_path', 'spec.zookeeper.chrootPath'],
  ['zk_digest_credentials', 'spec.zookeeper.digestCredentialsSecret'],
  ['zk_session_timeout', 'spec.zookeeper.sessionTimeout'],
  ['zk_connection_timeout', 'spec.zookeeper.connectionTimeout'],
  ['serverset_path', 'spec.serversetPath'],
  ['mesos_master_address', 'spec.mesos.masterAddress'],
  ['max_registration_delay', 'spec.mesos.maxRegistrationDelay'],
  ['framework_name', 'spec.mesos.frameworkName'],
  ['mesos_role', 'spec.mesos.role'],
  ['max_leading_duration', 'spec.maxLeadingDuration'],
  ['reconciliation_initial_delay', 'recovery mode'],
  ['native_log_quorum_size', 'spec.replicas: floor(replicas/2)+1'],
  ['native_log_file_path', 'spec.replicatedLog.path'],
  ['native_log_zk_group_path', 'spec.replicatedLog.zkGroupPath'],
  ['native_log_election_timeout', 'spec.replicatedLog.electionTimeout'],
  ['native_log_election_retries', 'spec.replicatedLog.electionRetries'],
  ['native_log_read_timeout', 'spec.replicatedLog.readTimeout'],
  ['native_log_write_timeout', 'spec.replicatedLog.writeTimeout'],
  ['dlog_snapshot_interval', 'spec.replicatedLog.snapshotInterval'],
  ['backup_dir', 'spec.backup.dir'],
  ['backup_interval', 'spec.backup.interval'],
  ['max_saved_backups', 'spec.backup.maxSaved'],
  ['thermos_executor_path', 'spec.thermosExecutor.path'],
  ['thermos_executor_flags', 'spec.thermosExecutor.flags'],
  ['thermos_executor_resources', 'spec.thermosExecutor.resources'],
  ['thermos_executor_cpu', 'spec.thermosExecutor.cpu'],
  ['thermos_executor_ram', 'spec.thermosExecutor.ram'],
]);

export const EXTRA_ARG_PATTERN = /^-([a-z0-9_]+)=(.*)$/s;

/** extraArgProblem explains why an extraArgs entry cannot be passed, or returns undefined when it can. */
export function extraArgProblem(arg: string): string | undefined {
  if (arg.startsWith('--'))
    return `${JSON.stringify(arg)} has two dashes: Aurora's parser takes only -flag=value and would exit 1`;
  const match = EXTRA_ARG_PATTERN.exec(arg);
  if (!match) return `must have the form -flag=value (got ${JSON.stringify(arg)})`;
  const flag = match[1] ?? '';
  if (RECOVERY_TOOL_FLAGS.has(flag))
    return `-${flag} is a recovery-tool flag, not a scheduler flag (the scheduler would exit 1)`;
  if (!SCHEDULER_FLAGS.has(flag) && !PLUGIN_FLAGS.has(flag))
    return `-${flag} is not an Aurora 0.22 scheduler flag (it would stop the scheduler)`;
  if (MANAGED_FLAGS.has(flag))
    return `-${flag} is managed by the operator (it comes from ${MANAGED_FLAGS.get(flag) ?? 'the spec'})`;
  return undefined;
}

/** The flag name of a well-formed entry. */
const flagOf = (arg: string): string | undefined => EXTRA_ARG_PATTERN.exec(arg)?.[1];

/** Problems of the list as a whole: a non-List flag given twice, keyed by the index of the repeat. */
export function extraArgsRepeats(args: readonly string[]): Map<number, string> {
  const first = new Map<string, number>();
  const out = new Map<number, string>();
  args.forEach((arg, i) => {
    const flag = flagOf(arg);
    if (flag === undefined || LIST_FLAGS.has(flag)) return;
    const seen = first.get(flag);
    if (seen === undefined) first.set(flag, i);
    else
      out.set(
        i,
        `-${flag} is already given in spec.extraArgs[${seen}]: Aurora's parser rejects an option given twice ` +
          '("Can only specify option once") and the scheduler would exit 1',
      );
  });
  return out;
}

const alternatives = (flags: Iterable<string>): string => [...flags].sort().join('|');
const celList = (flags: Iterable<string>): string => `[${[...flags].map((f) => `'${f}'`).join(', ')}]`;

// CEL mirrors of extraArgProblem and extraArgsRepeats, so the API server rejects the same entries at admission; the
// flag name is looked up in a list because a 135-way regex over 64 × 1024 characters exceeds the CEL cost budget.
const WELL_FORMED = "matches('^-[a-z0-9_]+=')";
const KNOWN_FLAGS = [...SCHEDULER_FLAGS, ...PLUGIN_FLAGS];
const KNOWN_FLAG_RULE = `self.${WELL_FORMED} && self.substring(1, self.indexOf('=')) in ${celList(KNOWN_FLAGS)}`;
const MANAGED_FLAG_REGEX = `^-(${alternatives(MANAGED_FLAGS.keys())})=`;
const RECOVERY_FLAG_REGEX = `^-(${alternatives(RECOVERY_TOOL_FLAGS)})=`;

const UNKNOWN_FLAG_MESSAGE = [
  "self.startsWith('--') ? 'has two dashes: the Aurora parser takes only -flag=value and would exit 1'",
  `: !self.${WELL_FORMED} ? 'must have the form -flag=value'`,
  `: self.matches('${RECOVERY_FLAG_REGEX}') ? 'is a recovery-tool flag, not a scheduler flag'`,
  ": 'is not an Aurora 0.22 scheduler flag (it would stop the scheduler)'",
].join(' ');

const REPEAT_RULE =
  `self.all(a, !a.${WELL_FORMED} || a.substring(1, a.indexOf('=')) in ${celList(LIST_FLAGS)} || ` +
  "self.exists_one(b, b.startsWith(a.substring(0, a.indexOf('=') + 1))))";

export const ExtraArgs = z
  .array(
    z
      .string()
      .max(1024)
      .superRefine((arg, ctx) => {
        const problem = extraArgProblem(arg);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({
        'x-kubernetes-validations': [
          {
            rule: KNOWN_FLAG_RULE,
            message: 'must be -flag=value with an Aurora scheduler flag',
            messageExpression: UNKNOWN_FLAG_MESSAGE,
          },
          { rule: `!self.matches('${MANAGED_FLAG_REGEX}')`, message: 'this flag is managed by the operator' },
        ],
      }),
  )
  .max(64)
  .superRefine((args, ctx) => {
    for (const [i, message] of extraArgsRepeats(args)) ctx.addIssue({ code: 'custom', path: [i], message });
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: REPEAT_RULE,
        message:
          "a flag may be given only once (Aurora's parser rejects an option given twice); only List flags " +
          `(${[...LIST_FLAGS].join(', ')}) may repeat`,
      },
    ],
  })
  .default([])
  .describe(
    'Additional -flag=value scheduler flags: Aurora 0.22 scheduler flags, or plugin flags of the versions that ' +
      'have them (docs/versions.md), with one dash, not operator-managed, each at most once unless it is a List flag.',
  );
