// The Impact step, right after Validate and before anything is touched: what the restore will kill, compared with
// the live scheduler, recorded in status.impact. A leader that cannot be read never fails or stalls the restore.
import { bootstrapSourcePrefix } from '../api/bootstrap-spec.ts';
import { AgentBackupError } from '../agent/agent-errors.ts';
import { TerminalError } from '../controller/result.ts';
import { clusterOf } from './cluster-ref.ts';
import { computeImpact, unknownImpact } from './impact.ts';
import { readLiveConfig } from './impact-live.ts';
import { readLiveState } from './live-state.ts';
import { sourceBackupId } from './source-backup.ts';
import type { RestoreEffects, RestoreStep, StepOutcome } from './step.ts';
import { livePods, type Situation } from './world.ts';

/** How long transient failures (no leader, a refused read, a silent agent) are retried before "impact unknown". */
export const IMPACT_WAIT_MS = 30_000;

/** A step past Impact already ran (a restore created before this step existed): the cluster is being touched. */
function pastImpact(s: Situation): boolean {
  return (s.restore.status?.timeline ?? []).some((t) => t.step === 'Lock');
}

/** What the comparison needs, so restore-plan can run it outside a restore. */
export interface ImpactContext extends Situation {
  fx: Pick<RestoreEffects, 'agents' | 'admin' | 'now'>;
}

/** readImpact: one attempt at the comparison; it throws when the agent or the leader does not answer. */
export async function readImpact(ctx: ImpactContext): Promise<StepOutcome> {
  const cluster = clusterOf(ctx);
  const name = sourceBackupId(ctx.restore);
  const holder = livePods(ctx).find((p) => p.name === ctx.restore.status?.source?.pod);
  if (!holder?.podIP) throw new Error(`${ctx.restore.status?.source?.pod ?? 'the source pod'} has no IP`);
  const agents = await ctx.fx.agents(cluster);
  const backup = await agents
    .summarizeBackup({ host: holder.podIP, port: cluster.spec.backupAgent.port }, name)
    .catch((err: unknown) => {
      if (err instanceof AgentBackupError && err.backupCode === 'AGENT_BACKUP_UNREADABLE') {
        throw new TerminalError('BackupUnreadable', `${err.message}. The cluster was not touched.`);
      }
      throw err;
    });
  const leader = livePods(ctx).find((p) => p.lifecycle === 'ACTIVE' && p.podIP);
  if (!leader?.podIP)
    throw new Error('no scheduler is ACTIVE (leading and registered) to read the live state from');
  const admin = ctx.fx.admin(leader.podIP, cluster.spec.httpPort);
  const live = await readLiveState(admin);
  // cron jobs and quotas that cannot be read are recorded as not compared; only the tasks are retried
  const config = await readLiveConfig(admin, backup, live.tasks);
  const impact = computeImpact(backup, { ...live, ...config }, ctx.fx.now(), { leader: leader.name });
  return { message: `impact: ${impact.summary}`, status: { impact } };
}

/** impactUnknown: the usual case when the log is corrupted (no leader): the restore goes on, saying what is not known. */
export function impactUnknown(s: Situation, why: string, now: Date): StepOutcome {
  const snapshotAt = s.restore.status?.source?.snapshotAt;
  const unknown = unknownImpact(
    why,
    { name: sourceBackupId(s.restore), timestamp: snapshotAt ? Date.parse(snapshotAt) : undefined },
    now,
  );
  return {
    message: `impact: ${unknown.summary}`,
    status: { impact: unknown },
    events: [{ type: 'Warning', reason: 'ImpactUnknown', message: unknown.summary ?? why }],
  };
}

export const BOOTSTRAP_NO_LIVE_STATE =
  'the cluster is being bootstrapped from this backup: its log was never initialized, so no scheduler runs';

/**
 * bootstrapping: a cluster's own bootstrap restore onto a log the guard let it create has no live scheduler to
 * compare with, so waiting IMPACT_WAIT_MS for a leader would only delay the disaster recovery.
 */
function bootstrapping(s: Situation): boolean {
  const cluster = clusterOf(s);
  return (
    bootstrapSourcePrefix(cluster, s.restore) !== undefined &&
    cluster.status?.replicatedLog?.initialized !== true
  );
}

export const impact: RestoreStep = {
  name: 'Impact',
  done: (s) => s.restore.status?.impact !== undefined || pastImpact(s),
  decide: (s) => ({
    kind: 'agent',
    call: 'readImpact',
    unknownAfterMs: IMPACT_WAIT_MS,
    ...(bootstrapping(s) ? { noLiveState: BOOTSTRAP_NO_LIVE_STATE } : {}),
  }),
};
