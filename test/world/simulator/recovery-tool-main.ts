// Simulated `recovery-tool -from BACKUP -to LOG -backup=FILE ...`: loads a backup into an initialized, empty log.
import { readBackupFile } from './backups.ts';
import { splitFlags } from './flag-parser.ts';
import { acquireLock, hasData, readReplica, writeReplica } from './log-store.ts';

const KNOWN = new Set([
  'from',
  'to',
  'backup',
  'batch-size',
  'native_log_quorum_size',
  'native_log_file_path',
  'native_log_zk_group_path',
  'native_log_election_timeout',
  'native_log_election_retries',
  'native_log_read_timeout',
  'native_log_write_timeout',
  'dlog_max_entry_size',
  'zk_endpoints',
  'zk_session_timeout',
  'zk_connection_timeout',
  'zk_chroot_path',
  'zk_digest_credentials',
  'zk_in_proc',
]);

const USAGE = `Usage: recovery-tool [options]\n  Options:\n${[...KNOWN].map((k) => `    -${k}`).join('\n')}\n`;

function fail(message: string, withUsage = false): never {
  process.stderr.write(`${withUsage ? USAGE : ''}${message}\n`);
  process.exit(1);
}

let flags: Map<string, string>;
try {
  flags = splitFlags(process.argv.slice(2), KNOWN);
} catch (err) {
  fail((err as Error).message, true);
}

const from = flags.get('from');
const to = flags.get('to');
if (!from || !to) fail('The following options are required: [-from], [-to]', true);
if (!['LOG', 'BACKUP'].includes(from) || !['LOG', 'BACKUP'].includes(to))
  fail('-from and -to take LOG or BACKUP', true);
if (to === 'BACKUP') fail('Recovering into a backup is not supported (backups are read-only).');
if (from !== 'BACKUP') fail('Only -from BACKUP -to LOG is simulated.');
const backup = flags.get('backup');
const logPath = flags.get('native_log_file_path');
if (!backup) fail('-backup is required when recovering from BACKUP', true);
for (const name of ['native_log_file_path', 'native_log_zk_group_path', 'zk_endpoints']) {
  if (!flags.get(name)) fail(`A value for the -${name} flag must be supplied`, true);
}
if (!logPath) fail('A value for the -native_log_file_path flag must be supplied');

let release: () => void;
try {
  release = acquireLock(logPath);
} catch (err) {
  fail((err as Error).message);
}
const record = readReplica(logPath);
if (record.status !== 'VOTING') {
  release();
  fail(`The replicated log at ${logPath} is not initialized (EMPTY); run mesos-log initialize first.`);
}
if (hasData(record)) {
  release();
  fail('Refusing to recover into non-empty persistence');
}
let state;
try {
  state = readBackupFile(backup);
} catch (err) {
  release();
  fail(`Failed to read backup ${backup}: ${(err as Error).message}`);
}
writeReplica(logPath, { status: 'VOTING', position: 1, state });
release();
process.stderr.write(`Recovered ${state.tasks.length} tasks from ${backup} into the log at ${logPath}\n`);
