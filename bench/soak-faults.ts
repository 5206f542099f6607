// The soak's nemesis hands: pause (SIGSTOP, SIGCONT) and kill schedulers, kill an operator container, restart
// ZooKeeper or the apiserver in place, cut every watch; each names its target and the operator restarts it causes.
import { setTimeout as sleep } from 'node:timers/promises';
import { validateTiming } from '../src/controller/election-timing.ts';
import type { E2eEnv } from '../test/e2e/harness.ts';
import {
  cutApiserverConnections,
  leaseHolder,
  operatorPods,
  restartApiserver,
  restartZookeeper,
} from '../test/e2e/fault-harness.ts';
import { OPERATOR_NAMESPACE } from '../test/world/local-env/local-env.ts';
import { readCluster } from './restore-aurora.ts';
import { CLUSTER, NS } from './soak-env.ts';
import type { Fault } from './soak-plan.ts';
import { leaseLossPossible } from './soak-verdict.ts';

export interface FaultResult {
  /** false when the target was not there to hit (e.g. no leader during a restore); nothing was done then */
  injected: boolean;
  target: string;
  detail: string;
  /** operator restarts this fault is allowed to cause */
  causedRestarts: number;
}

// the operator's default Lease timing (the chart sets no other)
const TIMING = validateTiming({});

export interface Nemesis {
  inject(fault: Fault): Promise<FaultResult>;
  /** SIGCONT to every scheduler still paused, for a soak that ends in the middle of a pause */
  resumeAll(): Promise<void>;
}

export function createNemesis(e: E2eEnv, replicas: number): Nemesis {
  const paused = new Set<string>();
  let followerTurn = 0;

  async function scheduler(role: 'leader' | 'follower'): Promise<string> {
    // during a restore the status may name no leader while schedulers still run: the first one stands in
    const leader = (await readCluster(e, NS, CLUSTER)).status?.leader ?? `${CLUSTER}-0`;
    if (role === 'leader') return leader;
    const others = Array.from({ length: replicas }, (_, i) => `${CLUSTER}-${i}`).filter((p) => p !== leader);
    return others[followerTurn++ % others.length] ?? leader;
  }

  async function operatorPod(role: 'leader' | 'standby'): Promise<string | undefined> {
    const holder = await leaseHolder(e);
    const pods = (await operatorPods(e)).map((p) => p.name);
    return role === 'leader' ? pods.find((p) => p === holder) : pods.find((p) => p !== holder);
  }

  const missed = (target: string, detail: string): FaultResult => ({
    injected: false,
    target,
    detail,
    causedRestarts: 0,
  });

  async function signal(ns: string, pod: string, container: string, sig: NodeJS.Signals): Promise<boolean> {
    return e.signalContainer(ns, pod, container, sig).then(
      () => true,
      () => false,
    );
  }

  async function pauseScheduler(role: 'leader' | 'follower', seconds: number): Promise<FaultResult> {
    const pod = await scheduler(role);
    if (!(await signal(NS, pod, 'scheduler', 'SIGSTOP'))) return missed(pod, 'no scheduler process');
    paused.add(pod);
    await sleep(seconds * 1000);
    paused.delete(pod);
    await signal(NS, pod, 'scheduler', 'SIGCONT');
    return { injected: true, target: pod, detail: `stopped ${seconds} s`, causedRestarts: 0 };
  }

  async function killScheduler(role: 'leader' | 'follower'): Promise<FaultResult> {
    const pod = await scheduler(role);
    if (!(await signal(NS, pod, 'scheduler', 'SIGKILL'))) return missed(pod, 'no scheduler process');
    return { injected: true, target: pod, detail: 'SIGKILL', causedRestarts: 0 };
  }

  async function killOperator(role: 'leader' | 'standby'): Promise<FaultResult> {
    const pod = await operatorPod(role);
    if (!pod) return missed(`operator ${role}`, 'no such operator pod');
    if (!(await signal(OPERATOR_NAMESPACE, pod, 'operator', 'SIGKILL')))
      return missed(pod, 'no operator process');
    return { injected: true, target: pod, detail: 'SIGKILL', causedRestarts: 1 };
  }

  return {
    async inject(fault) {
      switch (fault.kind) {
        case 'pause-leader':
          return pauseScheduler('leader', fault.pauseS ?? 10);
        case 'pause-follower':
          return pauseScheduler('follower', fault.pauseS ?? 10);
        case 'kill-leader':
          return killScheduler('leader');
        case 'kill-follower':
          return killScheduler('follower');
        case 'kill-operator-leader':
          return killOperator('leader');
        case 'kill-operator-standby':
          return killOperator('standby');
        case 'restart-zookeeper': {
          const { downMs } = await restartZookeeper(e);
          return { injected: true, target: 'zookeeper', detail: `down ${downMs} ms`, causedRestarts: 0 };
        }
        case 'restart-apiserver': {
          const { downMs } = await restartApiserver(e);
          const causedRestarts = leaseLossPossible(downMs, TIMING) ? 1 : 0;
          return { injected: true, target: 'kube-apiserver', detail: `down ${downMs} ms`, causedRestarts };
        }
        case 'cut-watches': {
          const cut = await cutApiserverConnections(e);
          return {
            injected: true,
            target: 'kube-apiserver',
            detail: `${cut} sockets cut`,
            causedRestarts: 0,
          };
        }
      }
    },
    async resumeAll() {
      for (const pod of paused) await signal(NS, pod, 'scheduler', 'SIGCONT');
      paused.clear();
    },
  };
}
