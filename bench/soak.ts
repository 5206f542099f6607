// `npm run soak -- --minutes N [--seed S]`: the local environment, the operator and a 3-scheduler cluster under a
// steady job load and a seeded nemesis for N minutes; invariants checked after every step and at the end.
// Prints a summary and `soak: ok` or `soak: FAILED <reasons>`; exit 1 on a violation, 2 when the harness failed.
import { rmSync } from 'node:fs';
import { fmt } from './fleet-report.ts';
import { parseSoakArgs, USAGE, type SoakOptions } from './soak-args.ts';
import { createCluster, newSoakRoot, startSoakEnv, stopSoakEnv } from './soak-env.ts';
import type { Nemesis } from './soak-faults.ts';
import { startJobLoad, type JobLoad } from './soak-load.ts';
import { watchOperator, type OperatorWatch } from './soak-operator.ts';
import { emptyRecord, runSoak } from './soak-run.ts';
import { finalLine, summaryLines } from './soak-summary.ts';
import { rssViolations, rssWindow } from './soak-verdict.ts';

const started = Date.now();
const progress = (message: string): void => {
  process.stderr.write(`[${fmt(Math.round((Date.now() - started) / 100) / 10)} s] ${message}\n`);
};

let opts: SoakOptions;
try {
  opts = parseSoakArgs(process.argv.slice(2), Date.now() % 1_000_000);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
  process.exit(2);
}

const root = newSoakRoot();
let nemesis: Nemesis | undefined;
let load: JobLoad | undefined;
let watch: OperatorWatch | undefined;
let teardown: Promise<void> | undefined;
// once only, at the end or on a signal: paused schedulers resumed, loops stopped, every process started stopped
const cleanUp = (): Promise<void> =>
  (teardown ??= (async () => {
    await nemesis?.resumeAll().catch(() => undefined);
    await load?.stop();
    await watch?.stop();
    await stopSoakEnv(root);
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the local environment`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const rec = emptyRecord();
let harnessError: unknown;
let soakStartS = 0;
progress(`soak: seed ${opts.seed} (replay with --seed ${opts.seed}), ${opts.minutes} min, state in ${root}`);
try {
  const e = await startSoakEnv(root, opts.lane);
  progress('local environment up; creating the 3-scheduler cluster');
  await createCluster(e);
  progress('cluster Ready; load and nemesis start');
  soakStartS = Date.now() / 1000;
  load = startJobLoad(e, opts.jobIntervalS * 1000, `job-${opts.seed}`);
  watch = await watchOperator(e, 15_000);
  await runSoak({ e, load, watch, opts, progress, onNemesis: (n) => (nemesis = n) }, rec);
} catch (err) {
  harnessError = err;
  progress(`harness failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
const jobs = { created: load?.created ?? 0, failed: load?.failed ?? 0 };
const rss = rssWindow(watch?.samples ?? [], soakStartS);
if (!rss.end && watch?.lastError) rss.reason = `no sample of the leading operator: ${watch.lastError}`;
progress('stopping the local environment');
await cleanUp();

const violations = [...rec.violations, ...rssViolations(rss, opts.rssTolerance)];
if (harnessError !== undefined) violations.push(`harness: ${String(harnessError)}`);
const lines = summaryLines({
  seed: opts.seed,
  plannedMinutes: opts.minutes,
  ranSeconds: rec.ranSeconds,
  faults: rec.faults,
  restores: rec.restores,
  recoveries: rec.recoveries,
  boundS: opts.recoveryBoundS,
  rss,
  rssTolerance: opts.rssTolerance,
  restarts: { observed: rec.observedRestarts, caused: rec.causedRestarts },
  stackTraces: rec.stackTraces,
  jobs,
});
for (const line of [...lines, finalLine(violations)]) process.stdout.write(`${line}\n`);
if (violations.length === 0) rmSync(root, { recursive: true, force: true });
else process.stderr.write(`logs kept in ${root}\n`);
process.exit(harnessError !== undefined ? 2 : violations.length ? 1 : 0);
