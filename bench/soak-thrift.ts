// The soak's Aurora calls through the leader's Thrift API, found from the cluster's status at each call (no wait
// for Ready: during a fault a call fails fast and the caller counts it).
import { createAuroraAdminClient, type AuroraAdminClient } from '../src/aurora/admin-client.ts';
import type { E2eEnv } from '../test/e2e/harness.ts';
import { readCluster } from './restore-aurora.ts';
import { CLUSTER, NS } from './soak-env.ts';

export async function leaderClient(e: E2eEnv, timeoutMs = 5000): Promise<AuroraAdminClient> {
  const c = await readCluster(e, NS, CLUSTER);
  const ip = c.status?.members?.find((m) => m.name === c.status?.leader)?.podIP;
  if (!ip) throw new Error(`${CLUSTER} has no leader in its status`);
  return createAuroraAdminClient({ baseUrl: `http://${ip}:${c.spec.httpPort}`, timeoutMs });
}

export async function taskIdsOf(e: E2eEnv): Promise<string[]> {
  const admin = await leaderClient(e);
  return (await admin.getTasksWithoutConfigs({})).map((t) => t.assignedTask.taskId).sort();
}

export async function createSoakJob(e: E2eEnv, name: string): Promise<void> {
  const admin = await leaderClient(e);
  await admin.createJob({
    key: { role: 'soak', environment: 'prod', name },
    instanceCount: 1,
    taskConfig: { isService: true },
  });
}
