import { test } from 'uvu';
import { z } from 'zod';
import * as assert from 'uvu/assert';
import {
  ExtraArgs,
  extraArgProblem,
  extraArgsRepeats,
  LIST_FLAGS,
  MANAGED_FLAGS,
  RECOVERY_TOOL_FLAGS,
  SCHEDULER_FLAGS,
} from '../../../src/api/scheduler-flags.ts';
import { FLAG_KINDS, LIST_FLAGS as SIMULATOR_LIST_FLAGS } from '../../world/simulator/flags.ts';

test('the flag set holds the Aurora 0.22 reference and none of the removed flags', () => {
  assert.is(SCHEDULER_FLAGS.size, 135);
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
  assert.match(extraArgProblem('--enable_preemptor=false') ?? '', 'has two dashes');
  assert.match(extraArgProblem('-enable_preemptor') ?? '', '-flag=value');
});

test('the recovery-tool flags are not scheduler flags, and CRD and simulator agree on the flag set', () => {
  for (const flag of ['backup', 'from', 'to']) {
    assert.not.ok(SCHEDULER_FLAGS.has(flag), flag);
    assert.ok(RECOVERY_TOOL_FLAGS.has(flag), flag);
    assert.is(
      extraArgProblem(`-${flag}=x`),
      `-${flag} is a recovery-tool flag, not a scheduler flag (the scheduler would exit 1)`,
    );
  }
  assert.equal([...SCHEDULER_FLAGS].sort(), [...FLAG_KINDS.keys()].sort());
  assert.equal([...LIST_FLAGS].sort(), [...SIMULATOR_LIST_FLAGS].sort());
  for (const flag of LIST_FLAGS) assert.ok(SCHEDULER_FLAGS.has(flag), flag);
});

test('a non-List flag given twice is reported at the repeat, naming the first entry; List flags may repeat', () => {
  const args = [
    '-enable_preemptor=false',
    '-allowed_container_types=MESOS',
    '-allowed_container_types=DOCKER',
    '-enable_preemptor=true',
    'oops',
    'oops',
  ];
  const repeats = extraArgsRepeats(args);
  assert.equal([...repeats.keys()], [3]);
  assert.match(repeats.get(3) ?? '', '-enable_preemptor is already given in spec.extraArgs[0]');
  const parsed = ExtraArgs.safeParse(args.slice(0, 4));
  assert.not.ok(parsed.success);
  const issues = parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.equal(issues, [
    `3: -enable_preemptor is already given in spec.extraArgs[0]: Aurora's parser rejects an option given twice ("Can only specify option once") and the scheduler would exit 1`,
  ]);
  assert.ok(ExtraArgs.safeParse(args.slice(0, 3)).success);
});

test('the CRD rules mirror the checks: a known-flag list lookup, the managed regex and the repeat rule', () => {
  const schema = z.toJSONSchema(ExtraArgs, { io: 'input', unrepresentable: 'any' }) as unknown as {
    items: { 'x-kubernetes-validations': { rule: string; messageExpression?: string }[] };
    'x-kubernetes-validations': { rule: string }[];
  };
  const [known, managed] = schema.items['x-kubernetes-validations'];
  for (const flag of SCHEDULER_FLAGS) assert.ok(known?.rule.includes(`'${flag}'`), flag);
  for (const flag of RECOVERY_TOOL_FLAGS) assert.not.ok(known?.rule.includes(`'${flag}'`), flag);
  assert.match(known?.messageExpression ?? '', "self.startsWith('--')");
  const managedRegex = new RegExp(/'(\^-\(.*\)=)'/.exec(managed?.rule ?? '')?.[1] ?? '$^');
  for (const flag of SCHEDULER_FLAGS)
    assert.is(managedRegex.test(`-${flag}=x`), MANAGED_FLAGS.has(flag), flag);
  const repeat = schema['x-kubernetes-validations'][0]?.rule ?? '';
  assert.match(repeat, "self.exists_one(b, b.startsWith(a.substring(0, a.indexOf('=') + 1)))");
  for (const flag of LIST_FLAGS) assert.match(repeat, `'${flag}'`);
});

test.run();
