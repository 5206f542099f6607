// The partially disabled leader of the Staged procedure: found once by FindLeader, then called directly by the
// steps that stage, trim, preview and commit the backup.
import { clusterOf } from './cluster-ref.ts';
import type { RestoreAction, RpcTarget } from './action.ts';
import type { RestoreStep } from './step.ts';
import { awaitingLeader, livePods, type Situation, type WorldPod } from './world.ts';

export function leaderPod(s: Situation): WorldPod | undefined {
  const name = s.restore.status?.leader;
  return livePods(s).find((p) => p.name === name && p.lifecycle === 'LEADER_AWAITING_REGISTRATION');
}

export const findLeader: RestoreStep = {
  name: 'FindLeader',
  done: (s) => leaderPod(s) !== undefined,
  decide(s) {
    const pod = awaitingLeader(s);
    if (!pod)
      return {
        kind: 'wait',
        message: 'waiting for a scheduler in LEADER_AWAITING_REGISTRATION (/vars.json)',
      };
    return {
      kind: 'record',
      message: `leader is ${pod.name} (awaiting registration, no member_ node)`,
      status: { leader: pod.name },
    };
  },
};

export const LEADER_GONE: RestoreAction = {
  kind: 'retry',
  reason: 'the leader is not awaiting registration any more',
};

/** the leader found by FindLeader, called directly; undefined when it cannot be called */
export function leaderTarget(s: Situation): RpcTarget | undefined {
  const pod = leaderPod(s);
  if (!pod?.podIP) return undefined;
  return { pod: pod.name, host: pod.podIP, port: clusterOf(s).spec.httpPort };
}
