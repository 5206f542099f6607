// The bench's own view of the cluster: Aurora through the leader's API (jobs, backups, tasks) and kubectl reads.
import { waitFor } from '../test/support/wait-for.ts';
import { createAuroraAdminClient, type AuroraAdminClient } from '../src/aurora/admin-client.ts';

export interface BenchEnv {
  kubectl(args: readonly string[], input?: string): Promise<string>;
  state: { kubeconfigPath: string; zookeeper: string };
}

export interface ClusterView {
  spec: {
    httpPort: number;
    libprocessPort: number;
    backupAgent: { port: number };
    serversetPath: string;
    replicatedLog: { zkGroupPath: string };
    zookeeper: { sessionTimeout?: string; chrootPath?: string };
  };
  status?: {
    leader?: string;
    members?: Array<{ name: string; podIP?: string }>;
    conditions?: Array<{ type: string; status: string }>;
  };
}

export async function readCluster(env: BenchEnv, ns: string, name: string): Promise<ClusterView> {
  return JSON.parse(await env.kubectl(['-n', ns, 'get', 'auroracluster', name, '-o', 'json'])) as ClusterView;
}

export async function waitReady(env: BenchEnv, ns: string, name: string): Promise<ClusterView> {
  return waitFor(`${name} Ready with a registered framework`, 300_000, async () => {
    const c = await readCluster(env, ns, name);
    const up = (t: string) => c.status?.conditions?.some((x) => x.type === t && x.status === 'True');
    return up('Ready') && up('FrameworkRegistered') ? c : undefined;
  });
}

export async function leaderAdmin(env: BenchEnv, ns: string, name: string): Promise<AuroraAdminClient> {
  const c = await waitReady(env, ns, name);
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error(`${name} has no leader`);
  return createAuroraAdminClient({ baseUrl: `http://${ip}:${c.spec.httpPort}`, timeoutMs: 10_000 });
}

export async function taskIds(env: BenchEnv, ns: string, name: string): Promise<string[]> {
  const admin = await leaderAdmin(env, ns, name);
  return (await admin.getTasksWithoutConfigs({})).map((t) => t.assignedTask.taskId).sort();
}

export async function createJob(env: BenchEnv, ns: string, name: string, instances: number): Promise<void> {
  const admin = await leaderAdmin(env, ns, name);
  const key = { role: 'bench', environment: 'prod', name: `job-${Date.now().toString(36)}` };
  await admin.createJob({ key, instanceCount: instances, taskConfig: { isService: true } });
}

/** takeBackup: a backup on the leader, its name and the task ids it holds. */
export async function takeBackup(
  env: BenchEnv,
  ns: string,
  name: string,
): Promise<{ backupId: string; tasks: string[] }> {
  const tasks = await taskIds(env, ns, name);
  const admin = await leaderAdmin(env, ns, name);
  await admin.performBackup();
  const backupId = (await admin.listBackups())
    .filter((n) => n.startsWith('scheduler-backup-'))
    .sort()
    .at(-1);
  if (!backupId) throw new Error('no backup written');
  return { backupId, tasks };
}
