// Finds the newest backup across a cluster's replicas by asking each pod's backup agent.
import type { AuroraClusterStatus } from '../api/aurora-cluster.ts';
import type { AgentClient } from './agent-client.ts';
import type { BackupFile } from './agent-api.ts';

export type NewestBackup = NonNullable<AuroraClusterStatus['newestBackup']>;

export interface PodAddress {
  name: string;
  podIP?: string | undefined;
  deleting?: boolean;
}

export interface ReplicaBackups {
  pod: string;
  backups: BackupFile[];
}

/** listReplicaBackups skips pods whose agent does not answer, so one dead replica hides only its own files. */
export async function listReplicaBackups(
  agents: AgentClient,
  pods: readonly PodAddress[],
  port: number,
): Promise<ReplicaBackups[]> {
  const results = await Promise.all(
    pods
      .filter((p) => p.podIP && !p.deleting)
      .map(async (p) => {
        const backups = await agents.listBackups({ host: p.podIP ?? '', port }).catch(() => undefined);
        return backups ? { pod: p.name, backups } : undefined;
      }),
  );
  return results.filter((r): r is ReplicaBackups => r !== undefined);
}

/** computeNewestBackup picks by file time, since names carry the scheduler JVM's local time zone. */
export function computeNewestBackup(replicas: readonly ReplicaBackups[]): NewestBackup | undefined {
  let best: NewestBackup | undefined;
  for (const r of replicas) {
    for (const b of r.backups) {
      if (!best || (best.takenAt ?? '') < b.mtime) best = { name: b.name, takenAt: b.mtime, replica: r.pod };
    }
  }
  return best;
}
