// The simulated `aurora-scheduler` program, independent of the process it runs in: a process of its own
// (scheduler-main.ts) or one of many in a fleet host.
import { expandArgFiles } from './arg-files.ts';
import { schedulerConfig } from './config.ts';
import { parseFaults } from './faults.ts';
import { FlagError, parametersBlock, parseSchedulerFlags, usage } from './flags.ts';
import { createScheduler, type ExitProgram } from './scheduler.ts';
import { createSimLog } from './sim-log.ts';
import { simVersionOf } from './version-flags.ts';

export interface SchedulerProgramIo {
  env: Record<string, string | undefined>;
  /** stderr of the program (the scheduler logs there) */
  write(text: string): void;
  exit: ExitProgram;
}

export interface RunningScheduler {
  /** SIGTERM and SIGINT shut down as Aurora does; nothing else is delivered to the program. */
  signal(signal: 'SIGTERM' | 'SIGINT'): void;
}

/**
 * Starts the scheduler for the flags in argv of the version AURORA_SIM_VERSION names (0.22's plus any plugin flag of
 * the table when unset); bad flags and injected crashes exit through io.exit.
 */
export function startSchedulerProgram(argv: readonly string[], io: SchedulerProgramIo): RunningScheduler {
  const log = createSimLog('SchedulerMain', io.write);
  const ended: RunningScheduler = { signal: () => undefined };
  let version;
  try {
    version = simVersionOf(io.env);
  } catch (err) {
    log.error((err as Error).message);
    io.exit(1);
    return ended;
  }
  let flags;
  try {
    flags = parseSchedulerFlags(expandArgFiles(argv), version);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.write(usage(undefined, version));
    log.error(err.message);
    io.exit(1);
    return ended;
  }
  log.info(parametersBlock(flags.raw));
  let faults;
  try {
    faults = parseFaults(io.env['AURORA_SIM_FAULTS']);
  } catch (err) {
    log.error(`Invalid AURORA_SIM_FAULTS: ${(err as Error).message}`);
    io.exit(1);
    return ended;
  }
  if (faults.crash !== undefined) {
    log.error(`Simulated crash (AURORA_SIM_FAULTS), exiting with ${faults.crash}`);
    io.exit(faults.crash);
    return ended;
  }
  const scheduler = createScheduler(schedulerConfig(flags, io.env), log, faults, io.exit);
  scheduler.start().catch((err: unknown) => {
    log.error(`Startup failed: ${err instanceof Error ? err.message : String(err)}`);
    void scheduler.shutdown('Scheduler failed to start.', 1);
  });
  return {
    signal: (signal) => void scheduler.shutdown(`Received ${signal}, shutting down.`),
  };
}
