// Entry point of the simulated `aurora-scheduler` program: argv are Aurora 0.22 flags.
import { expandArgFiles } from './arg-files.ts';
import { schedulerConfig } from './config.ts';
import { parseFaults } from './faults.ts';
import { FlagError, parametersBlock, parseSchedulerFlags, usage, type ParsedFlags } from './flags.ts';
import { createScheduler } from './scheduler.ts';
import { createSimLog } from './sim-log.ts';

const log = createSimLog('SchedulerMain');

// The JVM's default zone, in which backups are named: -Duser.timezone from JAVA_OPTS wins over TZ, as in Java.
const zone = /(?:^|\s)-Duser\.timezone=(\S+)/.exec(process.env['JAVA_OPTS'] ?? '')?.[1];
if (zone) process.env['TZ'] = zone;

let flags: ParsedFlags;
try {
  flags = parseSchedulerFlags(expandArgFiles(process.argv.slice(2)));
} catch (err) {
  if (!(err instanceof FlagError)) throw err;
  process.stderr.write(usage());
  log.error(err.message);
  process.exit(1);
}

log.info(parametersBlock(flags.raw));

let faults;
try {
  faults = parseFaults(process.env['AURORA_SIM_FAULTS']);
} catch (err) {
  log.error(`Invalid AURORA_SIM_FAULTS: ${(err as Error).message}`);
  process.exit(1);
}
if (faults.crash !== undefined) {
  log.error(`Simulated crash (AURORA_SIM_FAULTS), exiting with ${faults.crash}`);
  process.exit(faults.crash);
}

const scheduler = createScheduler(schedulerConfig(flags, process.env), log, faults);
process.on('SIGTERM', () => void scheduler.shutdown('Received SIGTERM, shutting down.'));
process.on('SIGINT', () => void scheduler.shutdown('Received SIGINT, shutting down.'));
scheduler.start().catch((err: unknown) => {
  log.error(`Startup failed: ${err instanceof Error ? err.message : String(err)}`);
  void scheduler.shutdown('Scheduler failed to start.', 1);
});
