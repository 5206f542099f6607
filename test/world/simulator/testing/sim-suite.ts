// Shared state and helpers of the simulator e2e suite: one real ZooKeeper, a temp root, the schedulers started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zookeeper, { type ACL, type Client } from 'node-zookeeper-client';
import { createAuroraAdminClient, type AuroraAdminClient } from '../../../../src/aurora/admin-client.ts';
import { ScheduleStatus, type JobKey, type ScheduledTask } from '../../../../src/thrift/api-types.ts';
import { ensureMesosMaster, startZooKeeper, type ZooKeeperServer } from '../../local-env/zookeeper.ts';
import {
  MESOS_LOG_MAIN,
  runTool,
  startSimScheduler,
  status,
  waitFor,
  type SimScheduler,
  type SimSchedulerOptions,
  type ToolResult,
} from './sim-process.ts';

export const JOB: JobKey = { role: 'www', environment: 'prod', name: 'hello' };
export const FAST = ['-backup_interval=1secs', '-dlog_snapshot_interval=1secs', '-max_saved_backups=2'];

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SimSuite {
  readonly zk: ZooKeeperServer;
  readonly root: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A scheduler on 127.0.50.<i>, quorum 1 and dir <root>/s<i> unless overridden. */
  start(i: number, o?: Partial<SimSchedulerOptions>): SimScheduler;
  stopAll(signal?: NodeJS.Signals): Promise<void>;
  init(s: { logPath: string } | string): ToolResult;
  client(s: SimScheduler, bypass?: boolean): AuroraAdminClient;
  zkChildren(path: string): Promise<string[]>;
  zkAcl(path: string): Promise<ACL[]>;
  leaderOf(group: SimScheduler[]): Promise<SimScheduler>;
  runningTasks(s: SimScheduler, n: number, job?: JobKey): Promise<ScheduledTask[]>;
  /** All tasks once storage is READY (before that the RPC fails with "Storage is not READY" and is retried). */
  allTasks(s: SimScheduler, bypass?: boolean): Promise<ScheduledTask[]>;
  /** The libprocess /metrics/snapshot of a scheduler's replica. */
  logMetrics(s: SimScheduler): Promise<Record<string, number>>;
  exitWithin(s: SimScheduler, ms: number): Promise<number | null | 'still running'>;
  /** recovery-tool arguments for -from BACKUP -to LOG. */
  toolArgs(backup: string, logPath: string, group?: string): string[];
}

export function createSimSuite(): SimSuite {
  let zk: ZooKeeperServer | undefined;
  let root: string | undefined;
  const running = new Set<SimScheduler>();
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`the suite is not set up: no ${what}`);
    return v;
  };
  const withZk = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = zookeeper.createClient(need(zk, 'ZooKeeper').connectString);
    c.connect();
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  };
  const client = (s: SimScheduler, bypass = false): AuroraAdminClient =>
    createAuroraAdminClient({ baseUrl: s.url, timeoutMs: 3000, bypassLeaderRedirect: bypass });
  const stopAll = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    await Promise.all([...running].map((s) => s.stop(signal)));
    running.clear();
  };

  return {
    get zk() {
      return need(zk, 'ZooKeeper');
    },
    get root() {
      return need(root, 'root directory');
    },
    async setup() {
      zk = await startZooKeeper();
      await ensureMesosMaster(zk.connectString);
      root = mkdtempSync(join(tmpdir(), 'aurora-sim-e2e-'));
    },
    async teardown() {
      await stopAll('SIGKILL');
      await zk?.stop();
      if (root) rmSync(root, { recursive: true, force: true });
    },
    start(i, o = {}) {
      const s = startSimScheduler({
        ip: `127.0.50.${i}`,
        zkConnect: need(zk, 'ZooKeeper').connectString,
        dir: join(need(root, 'root directory'), `s${i}`),
        quorum: 1,
        ...o,
      });
      running.add(s);
      return s;
    },
    stopAll,
    init: (s) => runTool(MESOS_LOG_MAIN, ['initialize', `--path=${typeof s === 'string' ? s : s.logPath}`]),
    client,
    zkChildren: (path) =>
      withZk((c) => new Promise((res, rej) => c.getChildren(path, null, (e, ch) => (e ? rej(e) : res(ch))))),
    zkAcl: (path) =>
      withZk((c) => new Promise((res, rej) => c.getACL(path, (e, acls) => (e ? rej(e) : res(acls))))),
    leaderOf: (group) =>
      waitFor('exactly one leader', async () => {
        const codes = await Promise.all(group.map((s) => status(s.url, '/leaderhealth').catch(() => 0)));
        const leaders = group.filter((_, i) => codes[i] === 200);
        return leaders.length === 1 && codes.every((c) => c === 200 || c === 503) ? leaders[0] : undefined;
      }),
    runningTasks: (s, n, job = JOB) =>
      waitFor(`${n} RUNNING tasks`, async () => {
        const tasks = await client(s).getTasksWithoutConfigs({
          jobKeys: [job],
          statuses: [ScheduleStatus.RUNNING],
        });
        return tasks.length === n ? tasks : undefined;
      }),
    allTasks: (s, bypass = false) =>
      waitFor('storage READY', () => client(s, bypass).getTasksWithoutConfigs({})),
    async logMetrics(s) {
      const res = await fetch(`${s.libprocessUrl}/metrics/snapshot`, { signal: AbortSignal.timeout(2000) });
      return (await res.json()) as Record<string, number>;
    },
    exitWithin: (s, ms) => Promise.race([s.exited(), sleep(ms).then(() => 'still running' as const)]),
    toolArgs: (backup, logPath, group = '/aurora/replicated-log') => [
      '-from',
      'BACKUP',
      '-to',
      'LOG',
      `-backup=${backup}`,
      `-native_log_file_path=${logPath}`,
      `-native_log_zk_group_path=${group}`,
      `-zk_endpoints=${need(zk, 'ZooKeeper').connectString}`,
    ],
  };
}
