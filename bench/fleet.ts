// `npm run bench:fleet`: a fleet of AuroraClusters on the local environment, measured against the fleet targets
// (time to Ready, operator cost per cluster, idle quiet, leader-change latency, memory). A measurement, not a test:
// exit 0 even on MISS unless --strict; exit 2 when the harness itself failed.
import { rmSync, writeFileSync } from 'node:fs';
import { parseFleetArgs, USAGE, type FleetOptions } from './fleet-args.ts';
import { converge } from './fleet-convergence.ts';
import { newStateDir, startFleetEnv, stopFleetEnv } from './fleet-env.ts';
import { idleSection } from './fleet-idle.ts';
import { leaderSection } from './fleet-leader.ts';
import { machineLines } from './fleet-machine.ts';
import { fmt, formatLine, info, misses, type ResultLine } from './fleet-report.ts';
import './fleet-restore.ts';
import { extraSections, type FleetContext, type FleetSection } from './fleet-sections.ts';

const BUILT_IN: Array<{ name: string; run: FleetSection }> = [
  { name: 'idle', run: idleSection },
  { name: 'leader change', run: leaderSection },
];

const started = Date.now();
const lines: ResultLine[] = [];
const progress = (message: string): void => {
  process.stderr.write(`[${fmt((Date.now() - started) / 1000)} s] ${message}\n`);
};
const emit = (more: readonly ResultLine[]): void => {
  lines.push(...more);
  for (const line of more) process.stdout.write(`${formatLine(line)}\n`);
};

let opts: FleetOptions;
try {
  opts = parseFleetArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
  process.exit(2);
}

const stateDir = newStateDir();
let teardown: Promise<void> | undefined;
// once only, whether reached by the end of the run or by a signal in the middle of it
const stopEnv = (): Promise<void> => (teardown ??= stopFleetEnv(stateDir));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the local environment`);
    void stopEnv().finally(() => process.exit(130));
  });
}

async function run(o: FleetOptions): Promise<void> {
  emit(machineLines(o));
  progress(`starting the local environment in ${stateDir}`);
  const env = await startFleetEnv(stateDir, o.fleet);
  const converged = await converge(env, o, progress);
  emit(converged.lines);
  const ctx: FleetContext = { env, opts: o, clusters: converged.clusters, ready: converged.ready, progress };
  for (const section of [...BUILT_IN, ...extraSections]) {
    progress(`section: ${section.name}`);
    emit(await section.run(ctx));
  }
}

let failure: unknown;
try {
  await run(opts);
} catch (err) {
  failure = err;
} finally {
  progress('stopping the local environment');
  await stopEnv();
}
emit([info('total wall time', `${fmt((Date.now() - started) / 1000)} s`)]);
if (failure === undefined) rmSync(stateDir, { recursive: true, force: true });
else process.stderr.write(`harness failed: ${String(failure)}\nstate kept in ${stateDir}\n`);
if (opts.json) {
  const failed = failure === undefined ? undefined : String(failure);
  writeFileSync(
    opts.json,
    `${JSON.stringify({ options: opts, lines, misses: misses(lines), failed }, null, 2)}\n`,
  );
}
process.exit(failure !== undefined ? 2 : opts.strict && misses(lines) > 0 ? 1 : 0);
