// Watches the operator through the soak: the leading replica's resident memory from its /metrics, and the
// operator containers' restarts (by pod uid, so a replaced pod is noticed rather than miscounted).
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { leaseHolder, operatorPods, type OperatorPod } from '../test/e2e/fault-harness.ts';
import { leaderMetrics, metricValue } from './fleet-env.ts';
import type { RssSample } from './soak-verdict.ts';

export interface OperatorWatch {
  readonly samples: readonly RssSample[];
  /** why the last sample could not be taken, for a soak that ends without any */
  readonly lastError: string | undefined;
  /** restarts since the baseline, and the baseline pods that are gone */
  restarts(): Promise<{ observed: number; replacedPods: string[] }>;
  stop(): Promise<void>;
}

async function sampleRss(e: E2eEnv): Promise<RssSample> {
  // leaderMetrics needs only the kubectl of the fleet's environment
  const body = await leaderMetrics({ ...e, auditLog: '' });
  const pod = await leaseHolder(e);
  return {
    atS: Date.now() / 1000,
    pod,
    startS: metricValue(body, 'process_start_time_seconds'),
    bytes: metricValue(body, 'process_resident_memory_bytes'),
  };
}

export async function watchOperator(e: E2eEnv, everyMs: number): Promise<OperatorWatch> {
  const baseline: OperatorPod[] = await operatorPods(e);
  const samples: RssSample[] = [];
  let lastError: string | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const s = await sampleRss(e).catch((err: unknown) => {
        lastError = String(err);
        return undefined;
      });
      if (s) samples.push(s);
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    get lastError() {
      return lastError;
    },
    async restarts() {
      const now = await operatorPods(e);
      let observed = 0;
      const replacedPods: string[] = [];
      for (const before of baseline) {
        const after = now.find((p) => p.uid === before.uid);
        if (after) observed += after.restarts - before.restarts;
        else replacedPods.push(before.name);
      }
      return { observed, replacedPods };
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
