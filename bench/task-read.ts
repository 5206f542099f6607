// Task reads against a real simulated Aurora leader of 1,000, 10,000 and 20,000 tasks, through the operator's own
// pass: none when nothing failed; with failures one read whose limit covers the tasks and which ends well inside
// its timeout. `node --expose-gc bench/task-read.ts` runs it alone; `npm run bench` includes it.
import { performance } from 'node:perf_hooks';
import { runPass } from './task-read-pass.ts';
import { failingLines, formatLine, quietLines, type SectionLine } from './task-read-targets.ts';
import { addFailures, fillRunning, startLeader, startWorld, type BenchWorld } from './task-read-world.ts';

export type { SectionLine };

export const SIZES = [1_000, 10_000, 20_000];
/** tasks whose executor crashes, added after the quiet pass */
const FAILED_TASKS = 10;

const count = (v: number): string => v.toLocaleString('en');
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// each size gets its own leader and address, so no task or connection of another size is in the way
async function measureSize(world: BenchWorld, ip: string, size: number): Promise<SectionLine[]> {
  const label = `${count(size)} tasks`;
  let leader;
  try {
    leader = await startLeader(world, ip);
  } catch (err) {
    return [
      { status: 'MISS', name: `${label}: simulated leader`, measured: messageOf(err), target: 'ACTIVE' },
    ];
  }
  try {
    const start = performance.now();
    await fillRunning(leader, size);
    const fill: SectionLine = {
      status: 'info',
      name: `${label}: created via createJob and RUNNING`,
      measured: `${((performance.now() - start) / 1000).toFixed(1)} s`,
      target: '',
    };
    const quiet = await runPass(ip);
    await addFailures(leader, FAILED_TASKS);
    const failing = await runPass(ip);
    const total = failing.counts?.total ?? size + FAILED_TASKS;
    return [
      fill,
      ...quietLines(label, quiet),
      ...failingLines(`${count(total)} tasks, ${FAILED_TASKS} failed`, failing),
    ];
  } catch (err) {
    return [{ status: 'MISS', name: `${label}: measurement`, measured: messageOf(err), target: 'completed' }];
  } finally {
    await leader.stop();
  }
}

/** taskReadSection runs the whole section; a fleet benchmark can print its lines next to its own. */
export async function taskReadSection(sizes: readonly number[] = SIZES): Promise<SectionLine[]> {
  let world: BenchWorld;
  try {
    world = await startWorld();
  } catch (err) {
    const name = 'task reads: ZooKeeper and a simulated leader';
    return [{ status: 'MISS', name, measured: `not run: ${messageOf(err)}`, target: 'started' }];
  }
  const lines: SectionLine[] = [];
  try {
    // 127.0.71.x: an address range of its own, so an e2e suite running at the same time cannot collide
    for (const [i, size] of sizes.entries())
      lines.push(...(await measureSize(world, `127.0.71.${i + 1}`, size)));
  } finally {
    await world.close();
  }
  return lines;
}

if (import.meta.main) {
  const lines = await taskReadSection();
  for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
  process.exitCode = lines.some((l) => l.status === 'MISS') ? 1 : 0;
}
