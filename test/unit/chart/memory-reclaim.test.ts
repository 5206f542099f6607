// The chart's memoryReclaim values reach the operator's environment, and loadConfig reads them as the operator will.
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { loadConfig } from '../../../src/config.ts';
import { chartTest, envOf, operatorContainer, render } from './chart-fixture.ts';

function reclaimEnv(set: string[] = []): Record<string, string | undefined> {
  const env = envOf(operatorContainer(render(set)).container);
  return {
    AURORA_OPERATOR_MEMORY_RECLAIM: env.get('AURORA_OPERATOR_MEMORY_RECLAIM')?.value,
    AURORA_OPERATOR_MEMORY_RECLAIM_INTERVAL_MS: env.get('AURORA_OPERATOR_MEMORY_RECLAIM_INTERVAL_MS')?.value,
    AURORA_OPERATOR_MEMORY_SOFT_LIMIT_MIB: env.get('AURORA_OPERATOR_MEMORY_SOFT_LIMIT_MIB')?.value,
  };
}

chartTest('by default the reclaim is on, sampled every 10 s, with a soft limit of 128 MiB', () => {
  const env = reclaimEnv();
  assert.equal(env, {
    AURORA_OPERATOR_MEMORY_RECLAIM: 'true',
    AURORA_OPERATOR_MEMORY_RECLAIM_INTERVAL_MS: '10000',
    AURORA_OPERATOR_MEMORY_SOFT_LIMIT_MIB: '128',
  });
  const config = loadConfig(env);
  assert.is(config.memoryReclaim, true);
  assert.is(config.memoryReclaimIntervalMs, 10_000);
  assert.is(config.memorySoftLimitMiB, 128);
});

chartTest(
  'memoryReclaim.enabled=false switches it off; checkIntervalMs sets the interval; softLimitMiB=0 drops the soft limit',
  () => {
    const env = reclaimEnv([
      'memoryReclaim.enabled=false',
      'memoryReclaim.checkIntervalMs=60000',
      'memoryReclaim.softLimitMiB=0',
    ]);
    assert.equal(env, {
      AURORA_OPERATOR_MEMORY_RECLAIM: 'false',
      AURORA_OPERATOR_MEMORY_RECLAIM_INTERVAL_MS: '60000',
      AURORA_OPERATOR_MEMORY_SOFT_LIMIT_MIB: '0',
    });
    const config = loadConfig(env);
    assert.is(config.memoryReclaim, false);
    assert.is(config.memoryReclaimIntervalMs, 60_000);
    assert.is(config.memorySoftLimitMiB, 0);
  },
);

chartTest('the schema refuses an interval under a second and unknown memoryReclaim keys', () => {
  assert.throws(
    () => render(['memoryReclaim.checkIntervalMs=10']),
    /checkIntervalMs.*minimum|must be >= 1000/i,
  );
  assert.throws(() => render(['memoryReclaim.off=true']), /additional properties 'off' not allowed/);
});

test('without the variables the operator reclaims every 10 s; other values than true and false are refused', () => {
  const config = loadConfig({});
  assert.is(config.memoryReclaim, true);
  assert.is(config.memoryReclaimIntervalMs, 10_000);
  assert.throws(() => loadConfig({ AURORA_OPERATOR_MEMORY_RECLAIM: 'no' }), /memoryReclaim/);
});

test.run();
