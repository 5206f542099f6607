import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitFlags } from '../../world/simulator/flag-parser.ts';
import {
  FLAG_KINDS,
  FlagError,
  LIST_FLAGS,
  parametersBlock,
  parseSchedulerFlags,
  usage,
} from '../../world/simulator/flags.ts';

const REQUIRED = [
  '-cluster_name=devcluster',
  '-serverset_path=/aurora/scheduler',
  '-zk_endpoints=127.0.0.1:2181',
  '-mesos_master_address=zk://127.0.0.1:2181/mesos',
  '-backup_dir=/tmp/b',
  '-native_log_file_path=/tmp/db',
  '-native_log_zk_group_path=/aurora/replicated-log',
  '-thermos_executor_path=/x',
];

test('fills the documented defaults', () => {
  const { values } = parseSchedulerFlags(REQUIRED);
  assert.is(values.get('native_log_quorum_size'), 1);
  assert.is(values.get('backup_interval'), 3_600_000);
  assert.is(values.get('max_saved_backups'), 48);
  assert.is(values.get('max_registration_delay'), 60_000);
  assert.is(values.get('max_leading_duration'), 86_400_000);
  assert.is(values.get('zk_session_timeout'), 15_000);
  assert.is(values.get('native_log_election_timeout'), 15_000);
  assert.is(values.get('native_log_election_retries'), 20);
  assert.is(values.get('dlog_snapshot_interval'), 3_600_000);
  assert.is(values.get('http_port'), 0);
  assert.is(values.get('dlog_max_entry_size'), 512 * 1024);
});

test('accepts -k=v and -k v', () => {
  const { values } = parseSchedulerFlags([...REQUIRED, '-http_port', '8081', '-zk_in_proc=false']);
  assert.is(values.get('http_port'), 8081);
  assert.is(values.get('zk_in_proc'), false);
});

test('rejects unknown and removed flags', () => {
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-gc_executor_path=/x']),
    (e: unknown) => e instanceof FlagError,
  );
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-logtostderr=true']),
    (e: unknown) => e instanceof FlagError,
  );
});

test('an option given twice is rejected as JCommander 1.72 does, a List option accumulates', () => {
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-http_port=1', '-http_port=2']),
    (e: unknown) => e instanceof FlagError && e.message === 'Can only specify option -http_port once.',
  );
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-cluster_name=again']),
    /Can only specify option -cluster_name once\./,
  );
  const { raw } = parseSchedulerFlags([
    ...REQUIRED,
    '-allowed_container_types=MESOS',
    '-allowed_container_types',
    'DOCKER',
  ]);
  assert.is(raw.get('allowed_container_types'), 'MESOS,DOCKER');
  assert.ok(LIST_FLAGS.has('zk_endpoints'));
  assert.not.ok(LIST_FLAGS.has('http_port'));
});

test('a double-dash flag and the recovery-tool flags are main parameters, which the scheduler has none of', () => {
  for (const arg of ['--http_port=8081', '-backup=/tmp/b/scheduler-backup-x', '-from=BACKUP', '-to=LOG']) {
    assert.throws(
      () => parseSchedulerFlags([...REQUIRED, arg]),
      (e: unknown) =>
        e instanceof FlagError &&
        e.message ===
          `Was passed main parameter '${arg}' but no main parameter was defined in your arg class`,
      arg,
    );
  }
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '--http_port', '8081']),
    /main parameter '--http_port'/,
  );
  for (const flag of ['backup', 'from', 'to']) assert.not.ok(FLAG_KINDS.has(flag), flag);
  assert.is(FLAG_KINDS.size, 135);
});

test('a name that extends a declared one is an unknown option, as JCommander prefix-matches option names', () => {
  assert.throws(() => parseSchedulerFlags([...REQUIRED, '-http_portx=1']), /^Unknown option: -http_portx$/);
  assert.throws(
    () => splitFlags(['-backup_dirs=/x'], new Set(['backup_dir'])),
    /Unknown option: -backup_dirs/,
  );
  assert.throws(
    () => splitFlags(['-http_port'], new Set(['http_port'])),
    /Expected a value after parameter -http_port/,
  );
});

test('rejects each missing required flag', () => {
  for (let i = 0; i < REQUIRED.length; i++) {
    const argv = REQUIRED.filter((_, j) => j !== i);
    assert.throws(() => parseSchedulerFlags(argv), /option is required/);
  }
});

test('booleans need an explicit true/false value', () => {
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-allow_gpu_resource']),
    (e: unknown) => e instanceof FlagError,
  );
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-allow_gpu_resource=yes']),
    (e: unknown) => e instanceof FlagError,
  );
});

test('durations reject 1min', () => {
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-max_registration_delay=1min']),
    /Invalid time amount/,
  );
});

test('usage marks required flags and the Parameters block is sorted between dashed lines', () => {
  assert.match(usage(), '* -cluster_name');
  const block = parametersBlock(parseSchedulerFlags(REQUIRED).raw).split('\n');
  assert.is(block[0], 'Parameters:');
  assert.match(block[1] ?? '', /^-{20,}$/);
  assert.match(block.at(-1) ?? '', /^-{20,}$/);
  const body = block.slice(2, -1);
  assert.equal(body, [...body].sort());
});

test.run();
