// Test harness: spawns simulator programs with Node 24 on their own 127.x address and waits on them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor as waitForProbe } from '../../../support/wait-for.ts';

const SIM_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEDULER_MAIN = join(SIM_DIR, 'scheduler-main.ts');
export const MESOS_LOG_MAIN = join(SIM_DIR, 'mesos-log-main.ts');
export const RECOVERY_TOOL_MAIN = join(SIM_DIR, 'recovery-tool-main.ts');

export interface SimSchedulerOptions {
  /** Binds 127.0.50.<index> (HTTP 8081, libprocess 8083). */
  ip: string;
  zkConnect: string;
  /** Holds db/ and backups/. */
  dir: string;
  quorum: number;
  mesosMaster?: string;
  extraFlags?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

export interface SimScheduler {
  readonly ip: string;
  readonly url: string;
  readonly libprocessUrl: string;
  readonly logPath: string;
  readonly backupDir: string;
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function schedulerFlags(o: SimSchedulerOptions): string[] {
  return [
    '-cluster_name=devcluster',
    '-serverset_path=/aurora/scheduler',
    `-zk_endpoints=${o.zkConnect}`,
    `-mesos_master_address=${o.mesosMaster ?? `zk://${o.zkConnect}/mesos`}`,
    `-backup_dir=${join(o.dir, 'backups')}`,
    `-native_log_file_path=${join(o.dir, 'db')}`,
    '-native_log_zk_group_path=/aurora/replicated-log',
    '-thermos_executor_path=/usr/share/aurora/bin/thermos_executor.pex',
    `-native_log_quorum_size=${o.quorum}`,
    `-ip=${o.ip}`,
    `-hostname=${o.ip}`,
    '-http_port=8081',
    '-zk_session_timeout=4secs',
    ...(o.extraFlags ?? []),
  ];
}

export function startSimScheduler(o: SimSchedulerOptions): SimScheduler {
  const child = spawn(process.execPath, [SCHEDULER_MAIN, ...schedulerFlags(o)], {
    env: { ...process.env, LIBPROCESS_IP: o.ip, LIBPROCESS_PORT: '8083', ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    ip: o.ip,
    url: `http://${o.ip}:8081`,
    libprocessUrl: `http://${o.ip}:8083`,
    logPath: join(o.dir, 'db'),
    backupDir: join(o.dir, 'backups'),
    child,
    stderr: () => err,
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(
  main: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): ToolResult {
  const r = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  return waitForProbe(what, timeoutMs, probe, 200);
}

export async function getVars(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/vars.json`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as Record<string, number>;
}

export async function status(url: string, path: string): Promise<number> {
  const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}
