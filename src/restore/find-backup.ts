// Validation's search for the backup across the replicas' agents, with the seed's warning about old backups.
import { formatAgeMs } from '../api/age.ts';
import { TerminalError } from '../controller/result.ts';
import { listReplicaBackups } from '../agent/newest-backup.ts';
import type { StepContext, StepOutcome } from './step.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import { livePods, type WorldPod } from './world.ts';

/** Restoring a backup older than this kills every task rescheduled since, so the seed advises against it. */
export const OLD_BACKUP_MS = 4 * 60 * 60 * 1000;

/**
 * checkSource has the agent beside the file decode it: a file Aurora could not load fails the restore here, while
 * every log is still in place, rather than after the logs were moved aside.
 */
async function checkSource(
  ctx: StepContext,
  agents: AgentClient,
  pods: readonly WorldPod[],
  pod: string,
  backupId: string,
): Promise<{ note: string; tasks?: number }> {
  const cluster = ctx.world.cluster;
  const ip = pods.find((p) => p.name === pod)?.podIP;
  if (!cluster || !ip) throw new Error(`${pod} has no IP to check ${backupId} at`);
  const check = await agents.checkBackup({ host: ip, port: cluster.spec.backupAgent.port }, backupId);
  if (check.verdict === 'unreadable') {
    throw new TerminalError(
      'BackupUnreadable',
      `backup ${backupId} on ${pod} is not a backup Aurora can load: ${check.problem ?? 'unknown problem'}. ` +
        'Pick another backupId (status.newestBackup of the AuroraCluster lists the newest). The cluster was not ' +
        'touched.',
    );
  }
  if (check.verdict === 'unchecked') return { note: `not decoded: ${check.problem ?? 'too large'}` };
  return { note: `${check.tasks ?? 0} tasks`, ...(check.tasks !== undefined ? { tasks: check.tasks } : {}) };
}

export async function findBackup(ctx: StepContext): Promise<StepOutcome> {
  const cluster = ctx.world.cluster;
  if (!cluster) throw new Error('cluster not observed');
  const backupId = ctx.restore.spec.backupId;
  const pods = livePods(ctx);
  const agents = await ctx.fx.agents(cluster);
  const replicas = await listReplicaBackups(agents, pods, cluster.spec.backupAgent.port);
  // Aurora names backups by the minute, so after a failover two replicas can hold different files with one
  // name: the newest write is the one the operator means by that id.
  const copies = replicas
    .flatMap((r) => r.backups.filter((b) => b.name === backupId).map((file) => ({ pod: r.pod, file })))
    .sort((a, b) => new Date(b.file.mtime).getTime() - new Date(a.file.mtime).getTime());
  const newest = copies[0];
  if (newest) {
    const { pod, file } = newest;
    const age = ctx.fx.now().getTime() - new Date(file.mtime).getTime();
    const warning =
      age > OLD_BACKUP_MS
        ? `; WARNING: the backup is ${formatAgeMs(age)} old: tasks started or rescheduled since then will be killed`
        : '';
    const others =
      copies.length > 1
        ? `; older copies with the same name on ${copies
            .slice(1)
            .map((c) => c.pod)
            .join(', ')} are ignored`
        : '';
    const check = await checkSource(ctx, agents, pods, pod, backupId);
    const message =
      `found ${backupId} on ${pod} (${file.size} bytes, ${formatAgeMs(age)} old, ${check.note})` +
      `${warning}${others}`;
    return {
      message,
      events: warning ? [{ type: 'Warning', reason: 'OldBackup', message }] : [],
      status: {
        source: {
          pod,
          takenAt: file.mtime,
          size: file.size,
          ...(check.tasks !== undefined ? { tasks: check.tasks } : {}),
        },
      },
    };
  }
  const silent = pods.filter((p) => !replicas.some((r) => r.pod === p.name)).map((p) => p.name);
  if (pods.length === 0 || silent.length > 0) {
    // a replica that does not answer may hold the backup: retry rather than fail
    throw new Error(
      `backup ${backupId} not found on the replicas that answered; no answer from: ${silent.join(', ') || '(no pods)'}`,
    );
  }
  const available = replicas
    .flatMap((r) => r.backups.map((b) => `${b.name}@${r.pod}`))
    .sort()
    .slice(-5);
  throw new TerminalError(
    'BackupNotFound',
    `backup ${backupId} exists on no replica of ${cluster.metadata.name} (checked ${pods
      .map((p) => p.name)
      .join(', ')}); newest available: ${available.join(', ') || 'none'}. The cluster was not touched.`,
  );
}
