// Entry point of the simulated `aurora-scheduler` program: argv are Aurora 0.22 flags.
import { startSchedulerProgram } from './scheduler-program.ts';

// The JVM's default zone, in which backups are named: -Duser.timezone from JAVA_OPTS wins over TZ, as in Java.
const zone = /(?:^|\s)-Duser\.timezone=(\S+)/.exec(process.env['JAVA_OPTS'] ?? '')?.[1];
if (zone) process.env['TZ'] = zone;

const scheduler = startSchedulerProgram(process.argv.slice(2), {
  env: process.env,
  write: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
});
process.on('SIGTERM', () => scheduler.signal('SIGTERM'));
process.on('SIGINT', () => scheduler.signal('SIGINT'));
