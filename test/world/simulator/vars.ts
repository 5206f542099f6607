// The /vars registry: gauges (functions) and counters, rendered as sorted text or JSON.

import { LIFECYCLE_STATES, type LifecycleState } from '../../../src/aurora/lifecycle.ts';

export { LIFECYCLE_STATES, type LifecycleState };

export const ZK_STATES = ['CONNECTED', 'SUSPENDED', 'RECONNECTED', 'LOST', 'READ_ONLY'] as const;

export interface Vars {
  gauge(name: string, read: () => number): void;
  incr(name: string, by?: number): void;
  snapshot(): Record<string, number>;
  text(): string;
}

export function createVars(): Vars {
  const gauges = new Map<string, () => number>();
  const counters = new Map<string, number>();
  const snapshot = (): Record<string, number> => {
    const out: Record<string, number> = {};
    const names = [...new Set([...gauges.keys(), ...counters.keys()])].sort();
    for (const n of names) out[n] = gauges.get(n)?.() ?? counters.get(n) ?? 0;
    return out;
  };
  return {
    gauge: (name, read) => void gauges.set(name, read),
    incr: (name, by = 1) => void counters.set(name, (counters.get(name) ?? 0) + by),
    snapshot,
    text: () =>
      Object.entries(snapshot())
        .map(([k, v]) => `${k} ${v}`)
        .join('\n') + '\n',
  };
}
