// Child of bench/burst-memory.ts: a burst of short- and long-lived objects (a fleet's convergence or a large
// restore), then light periodic work like an operator's idle passes; prints RSS and heap in MiB as one JSON line.
import { setTimeout as sleep } from 'node:timers/promises';

const MIB = 1048576;
const held: { kept: object[] } = { kept: [] };
let peak = 0;
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < 60_000; i++) held.kept.push({ text: `${'x'.repeat(100)}${i}`, list: [i, { i }] });
  if (held.kept.length > 200_000) held.kept = held.kept.slice(-50_000);
  peak = Math.max(peak, process.memoryUsage().rss);
  await sleep(20);
}
held.kept = [];
// the operator never stops allocating: its idle passes are what the engine's own collections run beside
const passes = setInterval(() => Array.from({ length: 2000 }, (_, i) => ({ i })), 50);
await sleep(8000);
clearInterval(passes);
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(JSON.stringify({ peak: peak / MIB, rss: rss / MIB, heap: heapUsed / MIB }));
