// `npm run bench`: CPU and memory of the operator's hot paths, each checked against a target.
import { performance } from 'node:perf_hooks';
import { statusFrom } from '../test/support/cluster-status.ts';
import { WorkQueue } from '../src/controller/work-queue.ts';
import { decodeBinaryStruct, encodeBinaryStruct } from '../src/thrift/binary-protocol.ts';
import { decodeJsonStruct, encodeJsonStruct } from '../src/thrift/json-protocol.ts';
import { SnapshotSpec } from '../src/thrift/storage-schema.ts';
import { syntheticCluster, syntheticObservation, syntheticSnapshot } from './fleet-fixtures.ts';
import { backupDecodeSection } from './backup-decode.ts';
import { backupShippingSection } from './backup-shipping.ts';
import { burstMemorySection } from './burst-memory.ts';
import { taskReadSection } from './task-read.ts';
import { formatLine } from './task-read-targets.ts';

interface Result {
  name: string;
  value: number;
  unit: string;
  target: number;
  lowerIsBetter: boolean;
}

function timeIt(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(iterations, 50); i++) run();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return (performance.now() - start) / iterations;
}

function benchStatus(): Result {
  const clusters = Array.from({ length: 1000 }, (_, i) => syntheticCluster(i));
  const observed = clusters.map((_, i) => syntheticObservation(i));
  const now = new Date();
  let i = 0;
  const ms = timeIt(() => {
    const k = i++ % clusters.length;
    statusFrom({ cluster: clusters[k]!, observed: observed[k]!, rollout: { action: 'none' }, now });
  }, 20_000);
  return {
    name: 'computeStatus, 3 replicas',
    value: ms * 1000,
    unit: 'µs/op',
    target: 250,
    lowerIsBetter: true,
  };
}

async function benchQueue(): Promise<Result> {
  const queue = new WorkQueue();
  const keys = 10_000;
  const adds = 200_000;
  const start = performance.now();
  let processed = 0;
  const workers = Array.from({ length: 4 }, async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      processed++;
      queue.done(key);
    }
  });
  for (let n = 0; n < adds; n++) {
    queue.add(`ns/cluster-${n % keys}`);
    if (n % 1000 === 0) await Promise.resolve();
  }
  while (queue.depth() > 0) await new Promise((r) => setImmediate(r));
  queue.shutDown();
  await Promise.all(workers);
  const perSecond = adds / ((performance.now() - start) / 1000);
  if (processed === 0) throw new Error('queue processed nothing');
  return {
    name: 'work queue adds (deduplicated)',
    value: perSecond,
    unit: 'adds/s',
    target: 200_000,
    lowerIsBetter: false,
  };
}

function benchSnapshot(): Result[] {
  const snapshot = syntheticSnapshot(10_000);
  const binary = encodeBinaryStruct(SnapshotSpec, snapshot);
  const json = encodeJsonStruct(SnapshotSpec, snapshot);
  const binaryMs = timeIt(
    () => decodeBinaryStruct(SnapshotSpec, encodeBinaryStruct(SnapshotSpec, snapshot)),
    10,
  );
  const jsonMs = timeIt(() => decodeJsonStruct(SnapshotSpec, encodeJsonStruct(SnapshotSpec, snapshot)), 10);
  return [
    {
      name: `backup snapshot 10k tasks, TBinary round trip (${(binary.length / 1e6).toFixed(1)} MB)`,
      value: binaryMs,
      unit: 'ms',
      target: 400,
      lowerIsBetter: true,
    },
    {
      name: `10k tasks, TJSON round trip (${(json.length / 1e6).toFixed(1)} MB)`,
      value: jsonMs,
      unit: 'ms',
      target: 800,
      lowerIsBetter: true,
    },
  ];
}

function benchStatusMemory(): Result {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const now = new Date();
  const kept = Array.from({ length: 1000 }, (_, i) =>
    statusFrom({
      cluster: syntheticCluster(i),
      observed: syntheticObservation(i),
      rollout: { action: 'none' },
      now,
    }),
  );
  globalThis.gc?.();
  const perCluster = (process.memoryUsage().heapUsed - before) / kept.length / 1024;
  return {
    name: 'heap per cluster (spec + status)',
    value: perCluster,
    unit: 'KiB',
    target: 64,
    lowerIsBetter: true,
  };
}

const results = [benchStatus(), await benchQueue(), ...benchSnapshot(), benchStatusMemory()];
let failed = 0;
for (const r of results) {
  const ok = r.lowerIsBetter ? r.value <= r.target : r.value >= r.target;
  if (!ok) failed++;
  const value = r.value >= 1000 ? Math.round(r.value).toLocaleString('en') : r.value.toFixed(2);
  process.stdout.write(
    `${ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(60)} ${value} ${r.unit} (target ${r.lowerIsBetter ? '≤' : '≥'} ${r.target.toLocaleString('en')})\n`,
  );
}
// what the operator's node flags keep after a burst (bench/burst-memory.ts), task reads against a real simulated
// leader of 1,000 to 20,000 tasks (bench/task-read.ts), then the agent's streaming decode of a 100,000-task backup
// and the operator's impact of restoring it (bench/backup-decode.ts, bench/restore-impact.ts), then shipping and
// downloading that backup through a real S3 gateway (bench/backup-shipping.ts)
const section = [
  ...burstMemorySection(),
  ...(await taskReadSection()),
  ...(await backupDecodeSection()),
  ...(await backupShippingSection()),
];
for (const line of section) process.stdout.write(`${formatLine(line)}\n`);
const checked = section.filter((l) => l.status !== 'info');
const missed = checked.filter((l) => l.status === 'MISS').length;
failed += missed;
process.stdout.write(`${results.length + checked.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed ? 1 : 0;
