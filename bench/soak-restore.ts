// One restore step of the soak: a backup of the leader's tasks, a job created after it (which the restore must
// remove), the AuroraRestore (with the nemesis's fault in its middle, if planned), then the tasks read back.
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { takeBackup } from './restore-aurora.ts';
import { CLUSTER, NS } from './soak-env.ts';
import type { FaultResult, Nemesis } from './soak-faults.ts';
import type { JobLoad } from './soak-load.ts';
import type { Fault, Strategy } from './soak-plan.ts';
import { waitRecovered, type RecoveryResult } from './soak-recovery.ts';
import { createSoakJob, taskIdsOf } from './soak-thrift.ts';
import type { RestoreOutcome } from './soak-verdict.ts';

export interface RestoreStep {
  strategy: Strategy;
  during?: { fault: Fault; afterS: number };
}

export interface RestoreRun {
  outcome: RestoreOutcome;
  wallS: number;
  recovery: RecoveryResult;
  midFault?: { fault: Fault; result: FaultResult };
}

export interface RestoreDeps {
  e: E2eEnv;
  nemesis: Nemesis;
  load: JobLoad;
  replicas: number;
  limitMs: number;
  /** the fault actually injected for a planned one, which depends on the time it is injected */
  adjust(fault: Fault): Fault;
}

const RESTORE_LIMIT_MS = 600_000;

interface RestoreView {
  status?: { phase?: string; error?: { step?: string; message?: string } };
}

async function finalPhase(e: E2eEnv, name: string): Promise<RestoreView | undefined> {
  return waitFor(
    `${name} to end`,
    RESTORE_LIMIT_MS,
    async () => {
      const r = JSON.parse(
        await e.kubectl(['-n', NS, 'get', 'aurorarestore', name, '-o', 'json']),
      ) as RestoreView;
      return r.status?.phase === 'Succeeded' || r.status?.phase === 'Failed' ? r : undefined;
    },
    2000,
  ).catch(() => undefined);
}

export async function runRestore(d: RestoreDeps, step: RestoreStep, n: number): Promise<RestoreRun> {
  const { e } = d;
  await d.load.pause();
  try {
    const { backupId, tasks } = await takeBackup(e, NS, CLUSTER);
    // a job after the backup: the restore must take the scheduler back to before it
    await createSoakJob(e, `after-backup-${n}`).catch(() => undefined);
    const name = `soak-${n}-${step.strategy.toLowerCase()}`;
    const manifest = {
      apiVersion: 'aurora-operator.io/v1alpha1',
      kind: 'AuroraRestore',
      metadata: { name, namespace: NS },
      spec: { cluster: CLUSTER, backupId, strategy: step.strategy },
    };
    await e.kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
    const started = Date.now();
    const mid = step.during;
    const midFault = mid
      ? sleep(mid.afterS * 1000).then(async () => {
          const fault = d.adjust(mid.fault);
          return { fault, result: await d.nemesis.inject(fault) };
        })
      : undefined;
    const done = await finalPhase(e, name);
    const wallS = (Date.now() - started) / 1000;
    const injected = await midFault;
    const phase = done?.status?.phase === 'Succeeded' ? 'Succeeded' : done ? 'Failed' : 'Stuck';
    const base = { name, strategy: step.strategy, backupId, phase, expected: tasks } as const;
    const extra = injected ? { midFault: injected } : {};
    if (phase !== 'Succeeded') {
      const err = done?.status?.error;
      const error = err ? `at ${err.step ?? '?'}: ${err.message ?? ''}` : 'no error in its status';
      return { outcome: { ...base, error }, wallS, recovery: {}, ...extra };
    }
    const recovery = await waitRecovered(e, d.replicas, d.limitMs);
    const want = JSON.stringify(tasks);
    // the leader may still be loading the restored state: equal within a minute, or read once more to report
    const actual = await waitFor('the restored tasks', 60_000, async () => {
      const ids = await taskIdsOf(e);
      return JSON.stringify(ids) === want ? ids : undefined;
    }).catch(() => taskIdsOf(e).catch(() => undefined));
    return { outcome: { ...base, ...(actual ? { actual } : {}) }, wallS, recovery, ...extra };
  } finally {
    d.load.resume();
  }
}
