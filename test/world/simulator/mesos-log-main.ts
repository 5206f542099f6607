// Simulated `mesos-log initialize --path=DIR`: marks an EMPTY replica VOTING, refuses anything else.
import { acquireLock, readReplica, writeReplica } from './log-store.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const USAGE = 'Usage: mesos-log <command> [OPTIONS]\n\nAvailable commands:\n    help\n    initialize\n';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'initialize')
  fail(command === undefined || command === 'help' ? USAGE : `Unknown command '${command}'\n${USAGE}`);

let path: string | undefined;
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i] ?? '';
  const m = /^--(path|timeout)(?:=(.*))?$/.exec(arg);
  if (!m) fail(`Failed to parse flags: Unknown flag '${arg}'`);
  const value = m[2] ?? rest[++i];
  if (m[1] === 'path') path = value;
}
if (!path) fail('Missing required option --path');

let release: () => void;
try {
  release = acquireLock(path);
} catch (err) {
  fail(`Failed to initialize the log: ${(err as Error).message}`);
}
const record = readReplica(path);
if (record.status !== 'EMPTY') {
  release();
  fail('The log is not empty');
}
writeReplica(path, { status: 'VOTING', position: 0, state: null });
release();
process.stdout.write('Successfully initialized the log\n');
