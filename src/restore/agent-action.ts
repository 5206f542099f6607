// The executor's calls to the backup agents: the backup search, the impact read, a backup's copy and the success
// markers. An agent answer that waiting cannot change (an unreadable backup, a full volume) is terminal.
import { AgentError } from '../agent/agent-errors.ts';
import { formatAgeMs } from '../api/age.ts';
import { TerminalError } from '../controller/result.ts';
import type { AgentAction } from './action.ts';
import { clusterOf } from './cluster-ref.ts';
import { findBackup } from './find-backup.ts';
import { impactUnknown, readImpact } from './impact-step.ts';
import type { StepContext, StepOutcome } from './step.ts';
import { fetchFromStore } from './store-source.ts';

/** the impact read, or after `unknownAfterMs` of transient failures an impact that says what is not known */
async function impactOrUnknown(ctx: StepContext, step: string, unknownAfterMs: number): Promise<StepOutcome> {
  try {
    return await readImpact(ctx);
  } catch (err) {
    if (err instanceof TerminalError) throw err;
    const startedAt = ctx.restore.status?.timeline?.find((t) => t.step === step)?.startedAt;
    const waited = ctx.fx.now().getTime() - new Date(startedAt ?? ctx.fx.now()).getTime();
    if (waited < unknownAfterMs) throw err;
    const why = `${err instanceof Error ? err.message : String(err)} (retried for ${formatAgeMs(waited)})`;
    return impactUnknown(ctx, why, ctx.fx.now());
  }
}

export async function performAgent(a: AgentAction, ctx: StepContext, step: string): Promise<StepOutcome> {
  switch (a.call) {
    case 'findBackup': {
      // the download is the first thing that writes anywhere, and it writes only a new file on one backup volume
      const fetched = a.fromStore ? await fetchFromStore(ctx) : undefined;
      return findBackup(ctx, fetched);
    }
    case 'readImpact':
      // known to have no live state (a bootstrap): said at once, and not as a Warning
      if (a.noLiveState) return { ...impactUnknown(ctx, a.noLiveState, ctx.fx.now()), events: [] };
      return impactOrUnknown(ctx, step, a.unknownAfterMs);
    case 'copyBackup': {
      const agents = await ctx.fx.agents(clusterOf(ctx));
      const size = await agents
        .copyBackup({ host: a.from.host, port: a.port }, { host: a.to.host, port: a.port }, a.backupId)
        .catch((err: unknown) => {
          // a full volume does not empty itself: waiting would hold the cluster in the restore configuration
          if (err instanceof AgentError && err.code === 'AGENT_VOLUME_FULL') {
            throw new TerminalError(
              'BackupVolumeFull',
              `the backups volume of ${a.to.pod} has no space for ${a.backupId}: ${err.message}. Free space ` +
                'there or grow spec.backup.storage.size, then restore again; this restore rolls back.',
            );
          }
          throw err;
        });
      return { message: `copied ${a.backupId} (${size} bytes) from ${a.from.pod} to ${a.to.pod}` };
    }
    case 'markSucceeded': {
      const agents = await ctx.fx.agents(clusterOf(ctx));
      await Promise.all(a.hosts.map((host) => agents.markSucceeded({ host, port: a.port }, a.restoreId)));
      return { message: a.message };
    }
  }
}
