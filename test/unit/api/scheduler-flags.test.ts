import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extraArgProblem, MANAGED_FLAGS, SCHEDULER_FLAGS } from '../../../src/api/scheduler-flags.ts';

test('the flag set holds the Aurora 0.22 reference and none of the removed flags', () => {
  assert.is(SCHEDULER_FLAGS.size, 138);
  for (const flag of [
    'cluster_name',
    'native_log_quorum_size',
    'zk_digest_credentials',
    'reconciliation_initial_delay',
  ]) {
    assert.ok(SCHEDULER_FLAGS.has(flag), flag);
  }
  for (const removed of [
    'gc_executor_path',
    'zk_use_curator',
    'enable_h2_console',
    'logtostderr',
    'allow_docker_mounts',
  ]) {
    assert.not.ok(SCHEDULER_FLAGS.has(removed), removed);
  }
});

test('every managed flag is a real scheduler flag', () => {
  for (const flag of MANAGED_FLAGS.keys()) assert.ok(SCHEDULER_FLAGS.has(flag), flag);
});

test('extraArgProblem accepts unmanaged flags and explains rejections', () => {
  assert.is(extraArgProblem('-allowed_container_types=MESOS,DOCKER'), undefined);
  assert.is(extraArgProblem('-enable_preemptor=false'), undefined);
  assert.match(extraArgProblem('-gc_executor_path=/x') ?? '', 'not an Aurora 0.22 scheduler flag');
  assert.match(extraArgProblem('-backup_dir=/x') ?? '', 'spec.backup.dir');
  assert.match(extraArgProblem('-from=BACKUP') ?? '', 'recovery-tool');
  assert.match(extraArgProblem('--http_port=1') ?? '', '-flag=value');
  assert.match(extraArgProblem('-enable_preemptor') ?? '', '-flag=value');
});

test.run();
