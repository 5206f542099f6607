// Infrastructure faults for e2e suites: restart kube-apiserver or ZooKeeper in place, cut the apiserver's
// connections, and read what the operator's pods did meanwhile (restarts, logs, stack traces).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, startDaemon, stopDaemon } from '../world/local-env/processes.ts';
import { fourLetterWord } from '../world/local-env/zookeeper.ts';
import { OPERATOR_NAMESPACE } from '../world/local-env/local-env.ts';
import { waitFor, type E2eEnv } from './harness.ts';

const run = promisify(execFile);

// the daemons are restarted with exactly the command line they run with now, so nothing else can drift
function commandLineOf(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (argv.at(-1) === '') argv.pop();
  if (argv.length === 0) throw new Error(`no command line for pid ${pid}`);
  return argv;
}

async function restartDaemon(e: E2eEnv, name: string, logFile: string, graceMs: number): Promise<void> {
  const pid = e.state.pids[name];
  if (pid === undefined || !isAlive(pid)) throw new Error(`${name} is not running`);
  const [command = '', ...args] = commandLineOf(pid);
  await stopDaemon(pid, graceMs);
  e.state.pids[name] = startDaemon({ name, command, args, logFile });
  // env:down and the suite's stop() read the pids from the state file and the state object
  writeFileSync(join(e.state.stateDir, 'state.json'), JSON.stringify(e.state, null, 2));
}

/**
 * restartApiserver stops kube-apiserver and starts it again on the same port; resolves once /readyz answers.
 * Its graceful shutdown waits for long-running watches, so after 1 s it is killed, as a crashed apiserver would be.
 */
export async function restartApiserver(e: E2eEnv): Promise<{ downMs: number }> {
  const started = Date.now();
  const logFile = join(e.state.stateDir, 'control-plane', 'logs', 'kube-apiserver.log');
  await restartDaemon(e, 'kube-apiserver', logFile, 1000);
  await waitFor('kube-apiserver /readyz after its restart', 120_000, async () =>
    (await e.kubectl(['get', '--raw', '/readyz'])).trim() === 'ok' ? true : undefined,
  );
  return { downMs: Date.now() - started };
}

/** restartZookeeper stops the ZooKeeper server and starts it on its data directory; resolves on `imok`. */
export async function restartZookeeper(e: E2eEnv): Promise<{ downMs: number }> {
  const started = Date.now();
  await restartDaemon(e, 'zookeeper', join(e.state.stateDir, 'logs', 'zookeeper.log'), 10_000);
  const [host = '127.0.0.1', port = '2181'] = e.state.zookeeper.split(':');
  await waitFor('ZooKeeper imok after its restart', 60_000, async () =>
    (await fourLetterWord(Number(port), 'ruok', host)) === 'imok' ? true : undefined,
  );
  return { downMs: Date.now() - started };
}

/**
 * cutApiserverConnections destroys every established TCP connection to the apiserver's port (ss -K), so all
 * watches break at once while the apiserver itself keeps running; returns how many sockets were killed.
 */
export async function cutApiserverConnections(e: E2eEnv): Promise<number> {
  const port = new URL(e.state.server).port;
  const { stdout } = await run('ss', ['-K', '-t', '-n', 'state', 'established', `( sport = :${port} )`]);
  return stdout.split('\n').filter((line) => line.includes(`:${port}`)).length;
}

export interface OperatorPod {
  name: string;
  uid: string;
  restarts: number;
}

export async function operatorPods(e: E2eEnv): Promise<OperatorPod[]> {
  const list = JSON.parse(await e.kubectl(['-n', OPERATOR_NAMESPACE, 'get', 'pods', '-o', 'json'])) as {
    items: Array<{
      metadata: { name: string; uid: string };
      status?: { containerStatuses?: Array<{ restartCount?: number }> };
    }>;
  };
  return list.items
    .map((p) => ({
      name: p.metadata.name,
      uid: p.metadata.uid,
      restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** operatorLogs concatenates the logs of every operator container run so far (all pods, all restarts). */
export function operatorLogs(e: E2eEnv, pods: readonly OperatorPod[]): string {
  return pods.map((p) => e.podLogs(OPERATOR_NAMESPACE, p.name, 'operator')).join('\n');
}

// a JavaScript stack frame as Node prints it: "    at fn (file:line:col)"
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** stackTraces returns the log lines that carry a stack trace (pino's err.stack or a raw crash print). */
export function stackTraces(logs: string): string[] {
  return logs
    .split('\n')
    .filter((line) => STACK_FRAME.test(line) || /\\n\s+at .+:\d+:\d+/.test(line) || /"stack":/.test(line));
}

export async function leaseHolder(e: E2eEnv): Promise<string> {
  return (
    await e.kubectl([
      '-n',
      OPERATOR_NAMESPACE,
      'get',
      'lease',
      'aurora-operator-leader',
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ])
  ).trim();
}

/** stealLease writes the operator's Lease as held by a stale holder that has just renewed it. */
export async function stealLease(e: E2eEnv, holder: string, durationSeconds: number): Promise<void> {
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const patch = {
    spec: { holderIdentity: holder, renewTime: now, acquireTime: now, leaseDurationSeconds: durationSeconds },
  };
  await e.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'patch',
    'lease',
    'aurora-operator-leader',
    '--type=merge',
    '-p',
    JSON.stringify(patch),
  ]);
}
