// The memory reclaim: when it collects (policy), what a check does around a collection, and that the collection
// really returns a burst's pooled heap pages to the system in a real Node process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Counter, Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createMemoryReclaim,
  nextGap,
  planReclaim,
  type MemorySample,
} from '../../../src/controller/memory-reclaim.ts';
import {
  createReclaimPauseHistogram,
  recordReclaim,
} from '../../../src/controller/memory-reclaim-metrics.ts';
import { createLogger } from '../../../src/log.ts';

const MIB = 1048576;
const log = createLogger('memory-reclaim-test', 'silent');
const policy = { unexplainedBytes: 128 * MIB, minGapMs: 60_000, maxGapMs: 480_000, usefulBytes: 32 * MIB };
const sample = (rssMiB: number, heapMiB = 50, externalMiB = 5): MemorySample => ({
  rss: rssMiB * MIB,
  heapUsed: heapMiB * MIB,
  external: externalMiB * MIB,
});

/** a logger destination that keeps each JSON line, to check what the reclaim logs */
function jsonLines() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, sink };
}

test('plans a collection only when rss exceeds the live heap and external memory by the threshold, and not twice within the gap', () => {
  assert.not.ok(planReclaim(sample(180), undefined, 0, policy), '125 MiB unexplained');
  assert.ok(planReclaim(sample(190), undefined, 0, policy), '135 MiB unexplained');
  assert.not.ok(
    planReclaim(sample(300, 200, 5), undefined, 0, policy),
    'a large live heap is not reclaimable',
  );
  const last = { atMs: 1000, gapMs: 60_000 };
  assert.not.ok(planReclaim(sample(400), last, 1000 + 59_999, policy));
  assert.ok(planReclaim(sample(400), last, 1000 + 60_000, policy));
});

test('above the soft limit a collection is due even when the growth is heap garbage; the gap still holds', () => {
  const soft = { ...policy, softLimitBytes: 128 * MIB };
  // 154 MiB resident with 64 MiB of heap (live and garbage): only 85 MiB unexplained, under the 128 MiB rule
  assert.not.ok(planReclaim(sample(154, 64), undefined, 0, policy), 'no soft limit: not due');
  assert.ok(planReclaim(sample(154, 64), undefined, 0, soft), 'above the soft limit: due');
  assert.not.ok(planReclaim(sample(120, 64), undefined, 0, soft), 'under the soft limit: not due');
  const last = { atMs: 0, gapMs: 120_000 };
  assert.not.ok(planReclaim(sample(154, 64), last, 119_999, soft), 'a backed-off gap still holds');
  assert.ok(planReclaim(sample(154, 64), last, 120_000, soft));
});

test('the gap stays at the minimum while reclaims free memory and doubles up to the maximum when they do not', () => {
  const freed = (mib: number) => ({ before: 300 * MIB, after: (300 - mib) * MIB });
  assert.is(nextGap(undefined, freed(0), policy), 60_000);
  assert.is(nextGap(60_000, freed(100), policy), 60_000);
  assert.is(nextGap(60_000, freed(10), policy), 120_000);
  assert.is(nextGap(240_000, freed(10), policy), 480_000);
  assert.is(nextGap(480_000, freed(10), policy), 480_000);
  assert.is(nextGap(480_000, freed(40), policy), 60_000);
});

test('a reclaim that closes half of the excess over the soft limit pays off, however little it freed', () => {
  const soft = { ...policy, softLimitBytes: 128 * MIB };
  const mib = (before: number, after: number) => ({ before: before * MIB, after: after * MIB });
  // the fleet's idle sawtooth: about 20 MiB freed each minute, from 141 MiB to 121 MiB
  assert.is(nextGap(60_000, mib(141, 121), soft), 60_000, 'back under the soft limit: a minute');
  assert.is(nextGap(60_000, mib(141, 121), policy), 120_000, 'no soft limit: 20 MiB is too little');
  // after a burst: 152 MiB to 129 MiB closes 23 of the 24 MiB above the limit
  assert.is(nextGap(60_000, mib(152, 129), soft), 60_000, 'nearly back under it');
  // a fleet whose live heap is far above the limit: 20 of 192 MiB is not worth a pause a minute
  assert.is(nextGap(60_000, mib(320, 300), soft), 120_000, 'far above it');
  assert.is(nextGap(60_000, mib(120, 110), soft), 120_000, 'never above it');
});

test('a check collects once, counts what it freed, and then waits out the gap', async () => {
  let now = 10_000;
  let rss = 300;
  const freed: number[] = [];
  let collections = 0;
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(rss),
      collect: async () => {
        collections++;
        rss = 140;
      },
      now: () => now,
      log,
      onReclaim: ({ freedBytes }) => freed.push(freedBytes / MIB),
    },
    policy,
  );
  assert.ok(await reclaim.check());
  assert.equal(freed, [160]);
  rss = 300;
  now += 59_000;
  assert.not.ok(await reclaim.check(), 'within the gap');
  now += 1000;
  assert.ok(await reclaim.check(), 'a useful reclaim keeps the minimum gap');
  assert.is(collections, 2);
});

test('reclaims that free little back off', async () => {
  let now = 0;
  let collections = 0;
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(300),
      collect: async () => {
        collections++;
      },
      now: () => now,
      log,
    },
    policy,
  );
  const at: number[] = [];
  for (; now <= 600_000; now += 30_000) if (await reclaim.check()) at.push(now / 1000);
  assert.equal(at, [0, 60, 180, 420], 'gaps of 60, 120 and 240 s');
  assert.is(collections, 4);
});

test('a failed collection is logged, not thrown, and a check during a collection does not start another', async () => {
  let release!: () => void;
  let calls = 0;
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(400),
      collect: () => {
        calls++;
        return new Promise<void>((_, reject) => {
          release = () => reject(new Error('inspector unavailable'));
        });
      },
      now: () => 0,
      log,
    },
    policy,
  );
  const first = reclaim.check();
  assert.not.ok(await reclaim.check(), 'one collection at a time');
  release();
  assert.not.ok(await first);
  assert.is(calls, 1);
});

test('the wall time of each collection is the pause handed on, logged, and observed by the histogram', async () => {
  let now = 5000;
  const { lines, sink } = jsonLines();
  const registry = new Registry();
  const reclaimed = new Counter({ name: 'reclaimed_bytes_total', help: 'test', registers: [registry] });
  const pause = createReclaimPauseHistogram(registry);
  let rss = 300;
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(rss),
      collect: async () => {
        now += 240;
        rss = 150;
      },
      now: () => now,
      log: createLogger('memory-reclaim-test', 'info', sink),
      onReclaim: recordReclaim(reclaimed, pause),
    },
    policy,
  );
  assert.ok(await reclaim.check());
  const text = await registry.metrics();
  assert.match(text, /^aurora_operator_memory_reclaim_pause_seconds_count 1$/m);
  assert.match(text, /^aurora_operator_memory_reclaim_pause_seconds_sum 0\.24$/m);
  assert.match(text, /^aurora_operator_memory_reclaim_pause_seconds_bucket\{le="0\.2"\} 0$/m);
  assert.match(text, /^aurora_operator_memory_reclaim_pause_seconds_bucket\{le="0\.25"\} 1$/m);
  assert.match(text, /^reclaimed_bytes_total 157286400$/m, '150 MiB freed');
  const logged = lines.find((l) => typeof l['freedMiB'] === 'number');
  assert.is(logged?.['pauseMs'], 240);
});

test('a due reclaim waits while something must not be paused, logs each reason once, and runs once free', async () => {
  let now = 0;
  let collections = 0;
  let block: string | undefined = 'AuroraRestore ns/r at step Commit';
  const { lines, sink } = jsonLines();
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(400),
      collect: async () => {
        collections++;
      },
      now: () => now,
      log: createLogger('memory-reclaim-test', 'info', sink),
      blockedBy: () => block,
    },
    policy,
  );
  assert.not.ok(await reclaim.check());
  now += 30_000;
  assert.not.ok(await reclaim.check());
  block = 'AuroraCluster ns/c scaling (step AddReplicas)';
  now += 30_000;
  assert.not.ok(await reclaim.check());
  assert.is(collections, 0, 'no collection while blocked');
  const deferred = lines.filter((l) => l['blockedBy'] !== undefined).map((l) => l['blockedBy']);
  assert.equal(deferred, [
    'AuroraRestore ns/r at step Commit',
    'AuroraCluster ns/c scaling (step AddReplicas)',
  ]);
  block = undefined;
  now += 30_000;
  assert.ok(await reclaim.check(), 'runs at the first check after the block ends');
  assert.is(collections, 1);
});

test('a block check that throws defers the reclaim instead of running it', async () => {
  let collections = 0;
  const reclaim = createMemoryReclaim(
    {
      sample: () => sample(400),
      collect: async () => {
        collections++;
      },
      now: () => 0,
      log,
      blockedBy: () => {
        throw new Error('cache unreadable');
      },
    },
    policy,
  );
  assert.not.ok(await reclaim.check());
  assert.is(collections, 0);
});

test('in a real process, the collection returns the pages a dropped burst left resident', () => {
  const out = execFileSync(
    process.execPath,
    ['--max-semi-space-size=2', join(import.meta.dirname, 'fixtures', 'burst-then-reclaim.ts')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const last = out.trim().split('\n').pop() ?? '{}';
  const { before, heapBefore, after } = JSON.parse(last) as {
    before: number;
    heapBefore: number;
    after: number;
  };
  // the engine's own collections shrink the heap but keep its pages: resident memory far above the heap
  assert.ok(before - heapBefore > 150, `before the reclaim: rss ${before} MiB, heap ${heapBefore} MiB`);
  assert.ok(after < before - 120, `rss ${before} -> ${after} MiB`);
});

test.run();
