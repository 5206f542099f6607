// The reclaim as main.ts runs it: on its timer, deferred by a restore in the informers' cache, its pauses in the
// histogram, and nothing at all when switched off.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createControllerMetrics } from '../../../src/controller/metrics.ts';
import { reclaimPolicy, startMemoryReclaim } from '../../../src/controller/memory-reclaim-loop.ts';
import { DEFAULT_RECLAIM_POLICY, planReclaim } from '../../../src/controller/memory-reclaim.ts';
import { createLogger } from '../../../src/log.ts';

const MIB = 1048576;
const log = createLogger('memory-reclaim-loop-test', 'silent');
const stopped = {
  metadata: { name: 'r', namespace: 'ns' },
  spec: { cluster: 'c', backupId: 'scheduler-backup-2025-01-01-00-00' },
  status: {
    phase: 'Running',
    timeline: ['Validate', 'Impact', 'Lock', 'BlockTraffic', 'StopSchedulers'].map((step) => ({
      step,
      finishedAt: '2025-01-01T00:00:00Z',
    })),
  },
};

/** a process whose resident memory is far beyond its heap, so every check finds a reclaim due */
function engine() {
  const calls = { collections: 0 };
  let now = 0;
  return {
    calls,
    engine: {
      sample: () => ({ rss: 400 * MIB, heapUsed: 50 * MIB, external: 5 * MIB }),
      collect: async () => {
        calls.collections++;
        now += 120;
      },
      // each check is past the previous reclaim's gap
      now: () => (now += 3_600_000),
    },
  };
}

const pauses = async (registry: { getSingleMetricAsString(name: string): Promise<string> }) =>
  Number(
    /_count (\S+)$/m.exec(
      await registry.getSingleMetricAsString('aurora_operator_memory_reclaim_pause_seconds'),
    )?.[1],
  );

test('a restore with its schedulers stopped holds the reclaim; once it is gone the reclaim runs and is timed', async () => {
  const metrics = createControllerMetrics();
  const e = engine();
  let restores: unknown[] = [stopped];
  const reclaim = startMemoryReclaim({
    config: { memoryReclaim: true, memoryReclaimIntervalMs: 5, memorySoftLimitMiB: 128 },
    log,
    metrics,
    restores: () => restores,
    clusters: () => [],
    engine: e.engine,
  });
  try {
    await sleep(60);
    assert.is(e.calls.collections, 0, 'held by the restore');
    restores = [];
    await sleep(60);
    assert.ok(e.calls.collections > 0, 'ran once the restore was gone');
    assert.is(await pauses(metrics.registry), e.calls.collections);
  } finally {
    reclaim.stop();
  }
});

test('switched off, no check runs and the pause histogram stays empty', async () => {
  const metrics = createControllerMetrics();
  const e = engine();
  const reclaim = startMemoryReclaim({
    config: { memoryReclaim: false, memoryReclaimIntervalMs: 5, memorySoftLimitMiB: 128 },
    log,
    metrics,
    restores: () => [],
    clusters: () => [],
    engine: e.engine,
  });
  await sleep(60);
  reclaim.stop();
  assert.is(e.calls.collections, 0);
  assert.is(await pauses(metrics.registry), 0);
});

test('the configured soft limit reaches the policy; 0 leaves the unexplained-memory rule alone', () => {
  const garbageHeavy = { rss: 154 * MIB, heapUsed: 64 * MIB, external: 5 * MIB };
  assert.ok(planReclaim(garbageHeavy, undefined, 0, reclaimPolicy(128)));
  assert.not.ok(planReclaim(garbageHeavy, undefined, 0, reclaimPolicy(0)));
  assert.is(reclaimPolicy(0), DEFAULT_RECLAIM_POLICY);
});

test.run();
