import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEDULER_FLAGS } from '../../../src/api/scheduler-flags.ts';
import { buildSchedulerArgs } from '../../../src/resources/scheduler-args.ts';
import { makeCluster } from './cluster-fixture.ts';

const FULL = makeCluster({
  replicas: 5,
  zookeeper: {
    endpoints: ['127.0.3.1:2181', '127.0.3.2:2181'],
    chrootPath: '/aurora-chroot',
    digestCredentialsSecret: { name: 'zk-auth' },
    sessionTimeout: '20secs',
    connectionTimeout: '5secs',
  },
  mesos: { masterAddress: 'zk://127.0.3.1:2181/mesos', frameworkName: 'Aurora', role: 'aurora' },
  maxLeadingDuration: '6hrs',
  replicatedLog: {
    electionTimeout: '10secs',
    electionRetries: 30,
    readTimeout: '6secs',
    writeTimeout: '4secs',
    snapshotInterval: '30mins',
  },
  thermosExecutor: {
    path: '/usr/share/aurora/bin/thermos_executor.pex',
    flags: '--announcer-ensemble 127.0.3.1:2181',
    resources: ['/a.pex', '/b.sh'],
    cpu: 0.25,
    ram: '128MB',
  },
  extraArgs: ['-enable_preemptor=false'],
});

function flagName(arg: string): string {
  // `-flag=value`, or a bare `-flag` whose value (an `@file`) follows
  return /^-([a-z0-9_]+)(=|$)/.exec(arg)?.[1] ?? `<malformed ${arg}>`;
}

test('a minimal cluster gets every required flag with defaults', () => {
  assert.equal(buildSchedulerArgs(makeCluster(), 'normal'), [
    '-cluster_name=example',
    '-http_port=8081',
    '-ip=$(POD_IP)',
    '-hostname=$(POD_IP)',
    '-zk_endpoints=127.0.3.1:2181',
    '-serverset_path=/aurora/scheduler',
    '-mesos_master_address=zk://127.0.3.1:2181/mesos',
    '-max_registration_delay=1mins',
    '-native_log_quorum_size=2',
    '-native_log_file_path=/var/lib/aurora/scheduler/db',
    '-native_log_zk_group_path=/aurora/replicated-log',
    '-backup_dir=/var/lib/aurora/scheduler/backups',
    '-backup_interval=1hrs',
    '-max_saved_backups=48',
    '-thermos_executor_path=/usr/share/aurora/bin/thermos_executor.pex',
  ]);
});

test('every optional spec field maps to its flag, extraArgs last', () => {
  const args = buildSchedulerArgs(FULL, 'normal');
  for (const expected of [
    '-zk_endpoints=127.0.3.1:2181,127.0.3.2:2181',
    '-zk_chroot_path=/aurora-chroot',
    '-zk_session_timeout=20secs',
    '-zk_connection_timeout=5secs',
    '-framework_name=Aurora',
    '-mesos_role=aurora',
    '-max_leading_duration=6hrs',
    '-native_log_quorum_size=3',
    '-native_log_election_timeout=10secs',
    '-native_log_election_retries=30',
    '-native_log_read_timeout=6secs',
    '-native_log_write_timeout=4secs',
    '-dlog_snapshot_interval=30mins',
    '-thermos_executor_flags=--announcer-ensemble 127.0.3.1:2181',
    '-thermos_executor_resources=/a.pex,/b.sh',
    '-thermos_executor_cpu=0.25',
    '-thermos_executor_ram=128MB',
  ]) {
    assert.ok(args.includes(expected), expected);
  }
  assert.is(args.at(-1), '-enable_preemptor=false');
});

test('every flag produced exists in Aurora 0.22, once, and gc_executor_path never appears', () => {
  for (const mode of ['normal', 'recovery'] as const) {
    // an `@file` argument is the value of the flag before it (JCommander expands it to the file's lines)
    const names = buildSchedulerArgs(FULL, mode)
      .filter((a) => !a.startsWith('@'))
      .map(flagName);
    for (const name of names) assert.ok(SCHEDULER_FLAGS.has(name), `${mode}: -${name}`);
    assert.is(new Set(names).size, names.length, `${mode}: duplicate flag`);
    assert.not.ok(names.includes('gc_executor_path'));
  }
});

test('quorum is floor(n/2)+1 for every allowed replica count', () => {
  for (const [replicas, quorum] of [
    [1, 1],
    [3, 2],
    [5, 3],
    [7, 4],
  ] as const) {
    assert.ok(
      buildSchedulerArgs(makeCluster({ replicas }), 'normal').includes(`-native_log_quorum_size=${quorum}`),
    );
  }
});

test('recovery mode cannot reach Mesos, never times out registration and delays reconciliation', () => {
  const normal = buildSchedulerArgs(FULL, 'normal');
  const recovery = buildSchedulerArgs(FULL, 'recovery');
  assert.ok(recovery.includes('-mesos_master_address=zk://127.0.0.1:1/aurora-operator/no-mesos-master'));
  assert.ok(recovery.includes('-max_registration_delay=360mins'));
  assert.ok(recovery.includes('-reconciliation_initial_delay=365days'));
  assert.not.ok(recovery.some((a) => a.includes('360min') && !a.includes('360mins')));
  assert.not.ok(normal.some((a) => a.startsWith('-reconciliation_initial_delay=')));
  const unchanged = (args: string[]) =>
    args.filter(
      (a) => !/^-(mesos_master_address|max_registration_delay|reconciliation_initial_delay)=/.test(a),
    );
  assert.equal(unchanged(recovery), unchanged(normal));
});

test('the ZooKeeper secret never appears literally in the arguments', () => {
  const args = buildSchedulerArgs(FULL, 'normal').join(' ');
  assert.not.match(args, 'zk-auth');
});

test('digest credentials travel as an @file argument: argv holds the path, never the secret or an env reference', () => {
  const args = buildSchedulerArgs(FULL, 'normal');
  const at = args.indexOf('-zk_digest_credentials');
  assert.ok(at >= 0, args.join(' '));
  assert.is(args[at + 1], '@/etc/aurora-operator/zk-digest/credentials');
  assert.not.ok(
    args.some((a) => a.includes('ZK_DIGEST')),
    'no $(VAR) reference that the kubelet would expand into argv',
  );
  const { zookeeper } = FULL.spec;
  const plain = makeCluster({ zookeeper: { endpoints: zookeeper.endpoints } });
  assert.not.ok(buildSchedulerArgs(plain, 'normal').some((a) => a.includes('zk_digest')));
});

test.run();
