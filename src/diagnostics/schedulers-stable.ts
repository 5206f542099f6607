// SchedulersStable: scheduler restarts told apart from Aurora's planned exits (max leading duration, restore).
import type { RecentExit } from '../api/diagnostics-schema.ts';
import { formatAgeMs } from '../api/age.ts';
import { conditionFalse, conditionTrue, type ConditionBody } from '../api/conditions.ts';

export const CRASH_LOOP_EXITS = 3;

export interface ReplicaRestarts {
  name: string;
  restarts: number;
  waitingReason?: string | undefined;
  /** Whether the latest termination, even outside the window, was planned (back-off can outlast the window). */
  lastExitPlanned?: boolean | undefined;
  recentExits: readonly RecentExit[];
}

const REMEDY =
  'Aurora exits on purpose when it loses its ZooKeeper session, misses -max_registration_delay, leads for ' +
  '-max_leading_duration, commits a recovery or gets /quitquitquit, and Kubernetes restarts it; other exits are ' +
  'not planned. Read the previous run with "kubectl logs <pod> -c scheduler --previous" and check the other ' +
  'conditions (FrameworkRegistered, LeaderElected) for the cause.';

function describe(e: RecentExit): string {
  return `exit ${e.exitCode} at ${e.finishedAt} after ${formatAgeMs(e.ranSeconds * 1000)}`;
}

export function schedulersStable(replicas: readonly ReplicaRestarts[], window: string): ConditionBody {
  const crashing: string[] = [];
  const unplanned: string[] = [];
  const planned: string[] = [];
  for (const r of replicas) {
    const failed = r.recentExits.filter((e) => e.exitCode !== 0 && !e.planned);
    const notPlanned = r.recentExits.filter((e) => !e.planned);
    const last = r.recentExits.at(-1);
    // the kubelet backs off after any quick exit, so back-off after a planned failover is no crash loop
    const backOff = r.waitingReason === 'CrashLoopBackOff' && (last?.planned ?? r.lastExitPlanned) !== true;
    if (backOff || failed.length || notPlanned.length >= CRASH_LOOP_EXITS) {
      const detail = last ? `, last ${describe(failed.at(-1) ?? last)}` : '';
      const loop = backOff ? ' and is in CrashLoopBackOff' : '';
      crashing.push(`${r.name} exited ${r.recentExits.length} time(s) in ${window}${loop}${detail}`);
    } else if (notPlanned.length && last) {
      unplanned.push(`${r.name} ${describe(notPlanned.at(-1) ?? last)}`);
    } else if (last) {
      planned.push(`${r.name} ${describe(last)}`);
    }
  }
  if (crashing.length) {
    return conditionFalse(
      'Crashing',
      `Scheduler restarting: ${crashing.join('; ')}. Failed exits or ${CRASH_LOOP_EXITS} unplanned exits ` +
        `within ${window} are not Aurora's planned failover. ${REMEDY}`,
    );
  }
  if (unplanned.length) {
    return conditionFalse(
      'UnplannedRestart',
      `Scheduler exited without a planned reason: ${unplanned.join('; ')}. ${REMEDY}`,
    );
  }
  if (planned.length) {
    return conditionTrue(
      'PlannedFailover',
      `Planned exits only: ${planned.join('; ')} (after -max_leading_duration or during a restore); ` +
        'Kubernetes restarted the scheduler as Aurora expects from its supervisor.',
    );
  }
  return conditionTrue('Stable', `No scheduler exited within ${window}.`);
}
