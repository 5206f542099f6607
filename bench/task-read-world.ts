// The task-read benchmark's cluster: a real ZooKeeper and a real simulated scheduler (its own process on a 127.x
// address), made the leader and filled with tasks through its Thrift API as a user would.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuroraAdminClient, type AuroraAdminClient } from '../src/aurora/admin-client.ts';
import type { TaskConfig } from '../src/thrift/api-types.ts';
import {
  ensureMesosMaster,
  startZooKeeper,
  type ZooKeeperServer,
} from '../test/world/local-env/zookeeper.ts';
import {
  getVars,
  MESOS_LOG_MAIN,
  runTool,
  startSimScheduler,
  status,
  waitFor,
  type SimScheduler,
} from '../test/world/simulator/testing/sim-process.ts';
import { splitInstances } from './task-read-targets.ts';

export const HTTP_PORT = 8081;
export const LIBPROCESS_PORT = 8083;
const ROLE = 'bench';
const JOBS = 10;

// a service task as a client would submit it; getTasksWithoutConfigs drops only the executor data
const TASK_CONFIG: TaskConfig = {
  isService: true,
  priority: 0,
  maxTaskFailures: 1,
  production: false,
  tier: 'preferred',
  resources: [{ numCpus: 0.25 }, { ramMb: 128 }, { diskMb: 256 }, { namedPort: 'http' }],
  contactEmail: 'bench@example.com',
  executorConfig: { name: 'AuroraExecutor', data: JSON.stringify({ task: { name: 'hello' } }).repeat(20) },
  metadata: [{ key: 'owner', value: 'bench' }],
};

export interface BenchWorld {
  zk: ZooKeeperServer;
  root: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<BenchWorld> {
  if (!existsSync('/usr/share/java/zookeeper.jar')) throw new Error('ZooKeeper is not installed');
  const zk = await startZooKeeper();
  await ensureMesosMaster(zk.connectString);
  const root = mkdtempSync(join(tmpdir(), 'aurora-task-read-bench-'));
  return {
    zk,
    root,
    async close() {
      await zk.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface BenchLeader {
  scheduler: SimScheduler;
  client: AuroraAdminClient;
  /** the leader's task_store_ gauges, as /vars.json exports them */
  counts(): Promise<{ total: number; running: number; failed: number }>;
  stop(): Promise<void>;
}

async function storeCounts(url: string): Promise<{ total: number; running: number; failed: number }> {
  const vars = await getVars(url);
  const store = Object.entries(vars).filter(([k]) => k.startsWith('task_store_'));
  return {
    total: store.reduce((sum, [, v]) => sum + v, 0),
    running: vars['task_store_RUNNING'] ?? 0,
    failed: (vars['task_store_FAILED'] ?? 0) + (vars['task_store_LOST'] ?? 0),
  };
}

/** startLeader initializes a one-replica log, starts the scheduler on ip and waits until it is the ACTIVE leader. */
export async function startLeader(world: BenchWorld, ip: string): Promise<BenchLeader> {
  const dir = join(world.root, ip);
  const init = runTool(MESOS_LOG_MAIN, ['initialize', `--path=${join(dir, 'db')}`]);
  if (init.code !== 0) throw new Error(`mesos-log initialize failed: ${init.stderr}`);
  const scheduler = startSimScheduler({ ip, zkConnect: world.zk.connectString, dir, quorum: 1 });
  const stop = async (): Promise<void> => void (await scheduler.stop('SIGTERM'));
  try {
    await waitFor(
      `${ip} to lead and be ACTIVE`,
      async () => {
        if (scheduler.child.exitCode !== null) throw new Error(`scheduler exited: ${scheduler.stderr()}`);
        const active = (await getVars(scheduler.url))['scheduler_lifecycle_ACTIVE'] === 1;
        return active && (await status(scheduler.url, '/leaderhealth')) === 200 ? true : undefined;
      },
      60_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  // creating a job writes the whole state to the log: large jobs need more than a probe's timeout
  const client = createAuroraAdminClient({ baseUrl: scheduler.url, timeoutMs: 60_000 });
  return { scheduler, client, counts: () => storeCounts(scheduler.url), stop };
}

async function waitForCounts(
  leader: BenchLeader,
  what: string,
  done: (c: { total: number; running: number; failed: number }) => boolean,
): Promise<void> {
  await waitFor(what, async () => (done(await leader.counts()) ? true : undefined), 120_000);
}

/** fillRunning creates `total` instances over JOBS jobs and waits until the agent has them all RUNNING. */
export async function fillRunning(leader: BenchLeader, total: number): Promise<void> {
  const sizes = splitInstances(total, JOBS);
  for (const [i, instanceCount] of sizes.entries()) {
    const key = { role: ROLE, environment: 'prod', name: `service-${i}` };
    await leader.client.createJob({ key, instanceCount, taskConfig: TASK_CONFIG });
  }
  await waitForCounts(leader, `${total} RUNNING tasks`, (c) => c.running === total);
}

/** addFailures makes the executor crash for one new job, so its `count` tasks go ASSIGNED to FAILED. */
export async function addFailures(leader: BenchLeader, count: number): Promise<void> {
  const faults = async (body: string): Promise<void> => {
    const res = await fetch(`${leader.scheduler.url}/sim/faults`, { method: 'POST', body });
    if (!res.ok) throw new Error(`/sim/faults answered ${res.status}`);
    await res.arrayBuffer();
  };
  const before = (await leader.counts()).failed;
  await faults('{"executorCrash":true}');
  const key = { role: ROLE, environment: 'prod', name: 'crashing' };
  await leader.client.createJob({ key, instanceCount: count, taskConfig: TASK_CONFIG });
  await waitForCounts(leader, `${count} FAILED tasks`, (c) => c.failed === before + count);
  await faults('{"executorCrash":false}');
}
