// The soak's loop: the nemesis's steps in order until the time is up, each followed by a wait for the cluster to be
// Ready again; it records what was injected, the recovery times, the restores and the violations found.
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { OPERATOR_NAMESPACE } from '../test/world/local-env/local-env.ts';
import type { SoakOptions } from './soak-args.ts';
import { operatorLogs, operatorPods, stackTraces } from '../test/e2e/fault-harness.ts';
import { createNemesis, type FaultResult, type Nemesis } from './soak-faults.ts';
import type { JobLoad } from './soak-load.ts';
import type { OperatorWatch } from './soak-operator.ts';
import { effectiveFault, planSoak, stepsFor, type Fault } from './soak-plan.ts';
import { waitRecovered, type RecoveryResult } from './soak-recovery.ts';
import { runRestore } from './soak-restore.ts';
import { recoveryViolations, restartViolations, restoreViolations, type Recovery } from './soak-verdict.ts';

export const REPLICAS = 3;

export interface SoakRecord {
  ranSeconds: number;
  faults: Map<string, number>;
  restores: { run: number; succeeded: number; byStrategy: Map<string, number>; withFault: number };
  recoveries: Recovery[];
  causedRestarts: number;
  observedRestarts: number;
  /** operator log lines carrying a stack trace, over every container run */
  stackTraces: number;
  violations: string[];
}

export function emptyRecord(): SoakRecord {
  return {
    ranSeconds: 0,
    faults: new Map(),
    restores: { run: 0, succeeded: 0, byStrategy: new Map(), withFault: 0 },
    recoveries: [],
    causedRestarts: 0,
    observedRestarts: 0,
    stackTraces: 0,
    violations: [],
  };
}

const describe = (r: RecoveryResult): string =>
  r.seconds === undefined ? `NOT Ready (${r.lastReason})` : `Ready after ${r.seconds.toFixed(1)} s`;

const inc = (m: Map<string, number>, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);

/** why the operator containers last exited, for a restart nobody caused */
async function operatorExits(e: E2eEnv): Promise<string> {
  const path =
    '{range .items[*]}{.metadata.name} restarts={.status.containerStatuses[0].restartCount} ' +
    'last={.status.containerStatuses[0].lastState.terminated}{"\\n"}{end}';
  return e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', `jsonpath=${path}`]).catch(String);
}

export interface SoakDeps {
  e: E2eEnv;
  load: JobLoad;
  watch: OperatorWatch;
  opts: SoakOptions;
  progress(message: string): void;
  /** set by the loop, so the caller can resume paused schedulers when it is interrupted */
  onNemesis(n: Nemesis): void;
}

export async function runSoak(d: SoakDeps, rec: SoakRecord): Promise<void> {
  const { e, opts, progress } = d;
  const nemesis = createNemesis(e, REPLICAS);
  d.onNemesis(nemesis);
  const totalS = opts.minutes * 60;
  const limitMs = Math.max(opts.recoveryBoundS * 2, 300) * 1000;
  const started = Date.now();
  const elapsedS = (): number => (Date.now() - started) / 1000;
  const adjust = (f: Fault): Fault => effectiveFault(f, elapsedS(), totalS);
  let surplusSeen = 0;

  const noteFault = (fault: Fault, r: FaultResult): void => {
    if (!r.injected) return progress(`  ${fault.kind} not injected: ${r.target} ${r.detail}`);
    inc(rec.faults, fault.kind);
    rec.causedRestarts += r.causedRestarts;
  };
  // recovered within the limit or the soak stops: a cluster that does not come back makes later steps meaningless
  const recovered = async (what: string, timed = true): Promise<boolean> => {
    const r = await waitRecovered(e, REPLICAS, limitMs);
    if (timed || r.seconds === undefined)
      rec.recoveries.push({ what, ...(r.seconds === undefined ? {} : { seconds: r.seconds }) });
    progress(`  ${what}: ${describe(r)}`);
    return r.seconds !== undefined;
  };
  // checked after every step, so a restart nobody caused is reported near the moment it happened
  const checkRestarts = async (): Promise<void> => {
    const { observed } = await d.watch.restarts();
    if (observed - rec.causedRestarts > surplusSeen) {
      surplusSeen = observed - rec.causedRestarts;
      progress(
        `  operator restarted on its own (${observed} seen, ${rec.causedRestarts} caused):\n${await operatorExits(e)}`,
      );
    }
  };

  // a short run gets short gaps, so that it sees several kinds of fault
  const gapS: [number, number] = opts.minutes <= 5 ? [5, 15] : [10, 30];
  const plan = planSoak({ seed: opts.seed, steps: stepsFor(opts.minutes, gapS[0]), gapS });
  for (const [i, step] of plan.entries()) {
    if (elapsedS() >= totalS) break;
    if (step.type === 'fault') {
      const fault = adjust(step.fault);
      progress(`step ${i}: ${fault.kind}${fault.pauseS ? ` ${fault.pauseS} s` : ''}`);
      const r = await nemesis.inject(fault);
      noteFault(fault, r);
      if (r.injected && !(await recovered(`${fault.kind} ${r.target} (${r.detail})`))) break;
    } else {
      const mid = step.during ? ` with ${step.during.fault.kind} after ${step.during.afterS} s` : '';
      progress(`step ${i}: ${step.strategy} restore${mid}`);
      const run = await runRestore(
        { e, nemesis, load: d.load, replicas: REPLICAS, limitMs, adjust },
        step,
        i,
      );
      rec.restores.run++;
      inc(rec.restores.byStrategy, step.strategy);
      if (run.midFault) {
        noteFault(run.midFault.fault, run.midFault.result);
        if (run.midFault.result.injected) rec.restores.withFault++;
      }
      const bad = restoreViolations(run.outcome);
      rec.violations.push(...bad);
      const o = run.outcome;
      progress(
        `  ${o.name} of ${o.backupId}: ${o.phase} in ${run.wallS.toFixed(1)} s${o.error ? ` (${o.error})` : ''}, ` +
          `${o.actual?.length ?? '?'} tasks, backup ${o.expected.length}${bad.length ? ' VIOLATION' : ''}`,
      );
      if (o.phase !== 'Succeeded') break;
      if (bad.length === 0) rec.restores.succeeded++;
      const secs = run.recovery.seconds;
      rec.recoveries.push({ what: `restore ${o.name}`, ...(secs === undefined ? {} : { seconds: secs }) });
      progress(`  after the restore: ${describe(run.recovery)}`);
      if (secs === undefined) break;
    }
    await checkRestarts();
    await sleep(Math.max(0, Math.min(step.gapS, totalS - elapsedS())) * 1000);
  }
  rec.ranSeconds = elapsedS();
  await nemesis.resumeAll();
  // the end state is an invariant too: Ready, reconciling, serving
  if (rec.recoveries.every((r) => r.seconds !== undefined)) await recovered('end of the soak', false);
  rec.violations.push(...recoveryViolations(rec.recoveries, opts.recoveryBoundS));
  const restarts = await d.watch.restarts();
  rec.observedRestarts = restarts.observed;
  rec.violations.push(...restartViolations({ ...restarts, caused: rec.causedRestarts }));
  d.progress(`operator containers at the end:\n${await operatorExits(e)}`);
  const traces = stackTraces(operatorLogs(e, await operatorPods(e)));
  rec.stackTraces = traces.length;
  if (traces.length)
    progress(`operator log lines with a stack trace (first 5):\n${traces.slice(0, 5).join('\n')}`);
}
