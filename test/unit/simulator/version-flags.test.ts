// The simulator's version switch: a fork plugin flag is taken exactly by the versions of the table that have it, and
// the program exits 1 at start on any other flag or an unknown AURORA_SIM_VERSION, as Aurora's flag parsing does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AURORA_VERSIONS, PLUGIN_FLAGS } from '../../../src/api/aurora-versions.ts';
import { FlagError, parseSchedulerFlags, REQUIRED_FLAGS, usage } from '../../world/simulator/flags.ts';
import { startSchedulerProgram } from '../../world/simulator/scheduler-program.ts';

// every required flag is a string, so one placeholder value parses for each
const REQUIRED = REQUIRED_FLAGS.map((f) => `-${f}=/x`);

const SAMPLE: Record<string, string> = {
  http_offer_set_endpoint: 'http://127.0.0.1:9090/offers',
  http_offer_set_filter_enabled: 'true',
  http_offer_set_max_retries: '3',
  http_offer_set_max_starting_tasks_per_slave: '5',
  http_offer_set_task_fetch_interval: '10secs',
  http_offer_set_timeout: '100ms',
  http_offer_set_timeout_ms: '100',
  probabilistic_priority_assigner_exponent: '1.5',
  probabilistic_priority_assigner_task_fetch_interval: '30secs',
};

test('every plugin flag of the table has a sample value here', () => {
  assert.equal([...PLUGIN_FLAGS].sort(), Object.keys(SAMPLE).sort());
});

test('each version takes exactly its own plugin flags and refuses the others at parse time', () => {
  for (const { version, pluginFlags } of AURORA_VERSIONS) {
    for (const flag of PLUGIN_FLAGS) {
      const argv = [...REQUIRED, `-${flag}=${SAMPLE[flag]}`];
      if (pluginFlags.includes(flag)) {
        assert.ok(parseSchedulerFlags(argv, version).values.has(flag), `${version} -${flag}`);
      } else {
        assert.throws(
          () => parseSchedulerFlags(argv, version),
          (e: unknown) => e instanceof FlagError && /Unknown option|main parameter/.test(e.message),
          `${version} -${flag}`,
        );
      }
    }
  }
});

test('plugin flag values are typed: durations in ms, the exponent a number, a bad boolean refused', () => {
  const { values } = parseSchedulerFlags(
    [
      ...REQUIRED,
      '-http_offer_set_timeout=2secs',
      '-probabilistic_priority_assigner_exponent=1.5',
      '-http_offer_set_filter_enabled=true',
    ],
    '0.27.0',
  );
  assert.is(values.get('http_offer_set_timeout'), 2000);
  assert.is(values.get('probabilistic_priority_assigner_exponent'), 1.5);
  assert.is(values.get('http_offer_set_filter_enabled'), true);
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-http_offer_set_filter_enabled=yes'], '0.26.0'),
    /Invalid value for -http_offer_set_filter_enabled/,
  );
  assert.match(usage('aurora-scheduler', '0.26.0'), '-probabilistic_priority_assigner_exponent');
  assert.not.match(usage('aurora-scheduler', '0.22.0'), '-http_offer_set');
});

test('without a version every plugin flag of the table is taken, an unknown flag still is not', () => {
  for (const flag of PLUGIN_FLAGS) {
    assert.ok(parseSchedulerFlags([...REQUIRED, `-${flag}=${SAMPLE[flag]}`]).values.has(flag), flag);
  }
  assert.throws(
    () => parseSchedulerFlags([...REQUIRED, '-http_offer_set_colour=red']),
    /main parameter '-http_offer_set_colour=red'/,
  );
});

function run(env: Record<string, string>, extra: string[]): { code: number | undefined; output: string } {
  let code: number | undefined;
  let output = '';
  startSchedulerProgram([...REQUIRED, ...extra], {
    env,
    write: (text) => (output += text),
    exit: (c) => {
      code = c;
    },
  });
  return { code, output };
}

test('the program exits 1 at start on a plugin flag its AURORA_SIM_VERSION lacks, or an unknown version', () => {
  const old = run({ AURORA_SIM_VERSION: '0.22.0' }, ['-http_offer_set_endpoint=http://127.0.0.1:9090/x']);
  assert.is(old.code, 1);
  assert.match(old.output, /-http_offer_set_endpoint/);
  assert.match(old.output, 'Usage: aurora-scheduler');
  const unknown = run({ AURORA_SIM_VERSION: '0.30.0' }, []);
  assert.is(unknown.code, 1);
  assert.match(unknown.output, 'AURORA_SIM_VERSION=0.30.0 is no Aurora version the simulator knows');
});

test.run();
