// Simulated `recovery-tool -from BACKUP -to LOG -backup=FILE ...`: loads a backup into an initialized, empty log.
//
// Like the real tool (RecoveryTool.java), it opens the native log with the -native_log_* and -zk_* flags: for the
// duration of the write it is a replica in the ZooKeeper log group and an elected writer, with
// -native_log_quorum_size defaulting to 1. Its election supersedes any writer that is still running (a scheduler
// leader), whose next append then fails; the tool reports that conflict and exits 1.
import { expandArgFiles } from './arg-files.ts';
import { readBackupFile } from './backups.ts';
import { splitFlags } from './flag-parser.ts';
import { convertFlag, FLAG_DEFAULTS } from './flags.ts';
import { startLibprocess, type LibprocessServer } from './libprocess-server.ts';
import { replicaPid } from './log-group.ts';
import { createReplica, type Replica } from './log-replica.ts';
import { acquireLock, hasData, readReplica, type StoredState } from './log-store.ts';
import { createSimLog } from './sim-log.ts';
import { connectZk, type ZkSession } from './zk-client.ts';

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

const log = createSimLog('RecoveryTool');
const cleanups: (() => void)[] = [];

function fail(message: string, withUsage = false): never {
  for (const c of cleanups.reverse()) c();
  process.stderr.write(`${withUsage ? USAGE : ''}${message}\n`);
  process.exit(1);
}

let flags: Map<string, string>;
try {
  flags = splitFlags(expandArgFiles(process.argv.slice(2)), KNOWN);
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
const groupPath = flags.get('native_log_zk_group_path');
const zkEndpoints = flags.get('zk_endpoints');
if (!backup) fail('-backup is required when recovering from BACKUP', true);
for (const name of ['native_log_file_path', 'native_log_zk_group_path', 'zk_endpoints']) {
  if (!flags.get(name)) fail(`A value for the -${name} flag must be supplied`, true);
}
if (!logPath || !groupPath || !zkEndpoints)
  fail('A value for the -native_log_* and -zk_endpoints flags must be supplied');

/** A numeric flag (durations in ms) with the scheduler's default; the tool's quorum defaults to 1 as upstream. */
function numberFlag(name: string): number {
  try {
    return Number(convertFlag(name, flags.get(name) ?? FLAG_DEFAULTS[name] ?? ''));
  } catch (err) {
    fail((err as Error).message, true);
  }
}
const quorum = numberFlag('native_log_quorum_size');
const readTimeoutMs = numberFlag('native_log_read_timeout');
const writeTimeoutMs = numberFlag('native_log_write_timeout');
const sessionTimeoutMs = numberFlag('zk_session_timeout');
const connectionTimeoutMs = numberFlag('zk_connection_timeout');
const credentials = flags.get('zk_digest_credentials') || undefined;
// JAVA_OPTS (and the rest of the JVM environment) is honoured by the real start script; there is no JVM here,
// so it is accepted as it is and never printed, since it may carry secrets.

let release: () => void;
try {
  release = acquireLock(logPath);
} catch (err) {
  fail((err as Error).message);
}
cleanups.push(release);
const record = readReplica(logPath);
if (record.status !== 'VOTING') {
  fail(`The replicated log at ${logPath} is not initialized (EMPTY); run mesos-log initialize first.`);
}
if (hasData(record)) fail('Refusing to recover into non-empty persistence');
let state: StoredState;
try {
  state = readBackupFile(backup);
} catch (err) {
  fail(`Failed to read backup ${backup}: ${(err as Error).message}`);
}

async function openLog(): Promise<{ zk: ZkSession; lib: LibprocessServer; replica: Replica }> {
  if (credentials) {
    log.info(`Using ZooKeeper digest credentials for user '${credentials.split(':')[0] ?? ''}'`);
  }
  // The native log ignores -zk_chroot_path, as in the scheduler.
  const zk = await connectZk({
    connectString: zkEndpoints as string,
    sessionTimeoutMs,
    connectionTimeoutMs,
    digestCredentials: credentials,
  });
  cleanups.push(() => zk.close());
  const holder: { replica?: Replica } = {};
  const ip = process.env['LIBPROCESS_IP'] ?? '127.0.0.1';
  const lib = await startLibprocess(ip, Number(process.env['LIBPROCESS_PORT'] ?? 0), () => holder.replica);
  cleanups.push(() => {
    lib.server.closeAllConnections();
    lib.server.close();
  });
  const replica = createReplica({
    dir: logPath as string,
    quorum,
    zk,
    groupPath: groupPath as string,
    pid: replicaPid(ip, lib.port),
    log,
    readTimeoutMs,
    writeTimeoutMs,
  });
  holder.replica = replica;
  cleanups.push(() => replica.stop());
  return { zk, lib, replica };
}

async function main(): Promise<void> {
  log.info('Recovering from BACKUP to LOG');
  const { replica } = await openLog();
  const elected = await replica.electWriter();
  if (!elected.ok) fail(`Failed to obtain a log writer: ${elected.reason}`);
  // Member of the group from the election on: a writer that is still running sends its appends here as well,
  // and this replica rejects them (it promised the tool's higher proposal).
  await replica.join();
  const others = elected.supersededWriters;
  const conflict = (what: string): string =>
    `another writer is active in the log group ${groupPath as string}: ${others.join(', ')}. ` +
    `This recovery superseded it: its next log append fails and that scheduler exits. ${what} ` +
    'Stop every scheduler, wipe and re-initialize every replica, and run recovery-tool again.';
  if (hasData(replica.record)) {
    const refused = 'Refusing to recover into non-empty persistence';
    fail(others.length > 0 ? conflict(`Nothing was written (${refused}).`) : refused);
  }
  await replica.append(state);
  await replica.flush();
  const position = replica.record.position;
  if (others.length > 0) {
    fail(
      conflict(
        `The backup (${state.tasks.length} tasks) was written at position ${position} to this replica and to every ` +
          'member that accepted it, replacing their newer log entries.',
      ),
    );
  }
  for (const c of cleanups.reverse()) c();
  process.stderr.write(
    `Recovered ${state.tasks.length} tasks from ${backup as string} into the log at ${logPath as string}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => fail(`Recovery failed: ${err instanceof Error ? err.message : String(err)}`));
