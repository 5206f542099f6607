// What the operator's node flags (bin/aurora-operator) keep resident after a burst of work: the same burst and idle
// passes run with the image's flags and without its memory-favouring mode, each the median of three processes.
import { execFileSync } from 'node:child_process';
import { imageNodeFlags } from './image-node-flags.ts';
import type { SectionLine } from './task-read-targets.ts';

const CHILD = new URL('./burst-memory-child.ts', import.meta.url).pathname;
const RUNS = 3;
/** the memory-favouring mode must keep at most this share of what the same process keeps without it */
const SHARE_TARGET = 0.85;

interface BurstSample {
  peak: number;
  rss: number;
  heap: number;
}

function median(flags: readonly string[]): BurstSample {
  const samples = Array.from(
    { length: RUNS },
    () => JSON.parse(execFileSync(process.execPath, [...flags, CHILD], { encoding: 'utf8' })) as BurstSample,
  ).sort((a, b) => a.rss - b.rss);
  return samples[Math.floor(RUNS / 2)] as BurstSample;
}

const describe = (s: BurstSample): string =>
  `${s.rss.toFixed(1)} MiB (peak ${s.peak.toFixed(1)}, heap used ${s.heap.toFixed(1)})`;

export function burstMemorySection(): SectionLine[] {
  const flags = imageNodeFlags();
  const withMode = median(flags);
  const without = median(flags.filter((f) => f !== '--optimize-for-size'));
  const share = withMode.rss / without.rss;
  return [
    { status: 'info', name: 'RSS 8 s after a burst, image flags', measured: describe(withMode), target: '' },
    { status: 'info', name: '  without --optimize-for-size', measured: describe(without), target: '' },
    {
      status: share <= SHARE_TARGET ? 'ok' : 'MISS',
      name: 'RSS after a burst, share kept with the image flags',
      measured: share.toFixed(2),
      target: `<= ${SHARE_TARGET}`,
    },
  ];
}
