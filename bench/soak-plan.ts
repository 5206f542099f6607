// The soak's nemesis schedule, drawn from a seed: faults on the schedulers, the operator, ZooKeeper and the
// apiserver, and now and then a restore (sometimes with a fault in its middle), each followed by a quiet gap.
import { createPrng } from '../test/support/manifest-fuzz.ts';

export const FAULT_KINDS = [
  'pause-leader',
  'pause-follower',
  'kill-leader',
  'kill-follower',
  'kill-operator-leader',
  'kill-operator-standby',
  'restart-zookeeper',
  'restart-apiserver',
  'cut-watches',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** how long a paused scheduler stays stopped (pause-* only); longer than the 15 s session expires it */
  pauseS?: number;
}

export type Strategy = 'Staged' | 'Offline';

export type SoakStep =
  | { type: 'fault'; fault: Fault; gapS: number }
  | { type: 'restore'; strategy: Strategy; during?: { fault: Fault; afterS: number }; gapS: number };

export interface PlanOptions {
  seed: number;
  steps: number;
  /** every restoreEvery-th step, starting with the second, is a restore */
  restoreEvery?: number;
  /** quiet seconds after a step, drawn uniformly from [min, max] */
  gapS?: readonly [number, number];
  pauseS?: readonly [number, number];
  /** probability that a restore gets a fault in its middle */
  midRestoreFaultRate?: number;
}

function between(rand: () => number, [min, max]: readonly [number, number]): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function drawFault(rand: () => number, pauseS: readonly [number, number]): Fault {
  const kind = FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)] ?? 'cut-watches';
  return kind.startsWith('pause-') ? { kind, pauseS: between(rand, pauseS) } : { kind };
}

/** planSoak: the same seed always gives the same steps; restores alternate strategies from a seeded first one */
export function planSoak(o: PlanOptions): SoakStep[] {
  const rand = createPrng(o.seed);
  const every = o.restoreEvery ?? 4;
  const gap = o.gapS ?? [10, 30];
  const pause = o.pauseS ?? [4, 25];
  const midRate = o.midRestoreFaultRate ?? 0.5;
  const strategies: Strategy[] = rand() < 0.5 ? ['Staged', 'Offline'] : ['Offline', 'Staged'];
  const steps: SoakStep[] = [];
  for (let i = 0; i < o.steps; i++) {
    if (i % every === 1) {
      const strategy = strategies[Math.floor(i / every) % 2] ?? 'Staged';
      const during =
        rand() < midRate ? { fault: drawFault(rand, pause), afterS: between(rand, [1, 15]) } : undefined;
      steps.push({ type: 'restore', strategy, ...(during ? { during } : {}), gapS: between(rand, gap) });
    } else {
      steps.push({ type: 'fault', fault: drawFault(rand, pause), gapS: between(rand, gap) });
    }
  }
  return steps;
}

/**
 * effectiveFault keeps the leading operator alive through the second half of the soak: its resident memory is
 * judged on one process, so a leader kill planned there hits the standby instead.
 */
export function effectiveFault(fault: Fault, elapsedS: number, totalS: number): Fault {
  return fault.kind === 'kill-operator-leader' && elapsedS >= totalS / 2
    ? { kind: 'kill-operator-standby' }
    : fault;
}

/** how many steps can fit at most: every step takes at least its gap */
export function stepsFor(minutes: number, minGapS = 10): number {
  return Math.ceil((minutes * 60) / minGapS) + 1;
}
