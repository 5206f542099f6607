// What one reconcile pass saw of a cluster: its pods, their Aurora signals and the serverset.
import type { SchedulerProbe } from '../aurora/scheduler-probe.ts';
import type { ServersetMember } from '../aurora/serverset.ts';
import type { DiagnosticSignals } from '../diagnostics/signals.ts';

export interface ObservedPod {
  name: string;
  ordinal: number;
  uid: string;
  podIP?: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  revision?: string;
  restarts: number;
  lastExitCode?: number;
  waitingReason?: string;
  leaderLabel: boolean;
  probe?: SchedulerProbe;
  /** When the running scheduler container started. */
  startedAt?: string;
  /** The scheduler container's previous run, from lastState.terminated. */
  lastTermination?: { exitCode: number; startedAt?: string; finishedAt?: string; reason?: string };
}

export interface ObservedStatefulSet {
  exists: boolean;
  replicas?: number;
  updateRevision?: string;
  /** the version this pass saw, the precondition of its write */
  resourceVersion?: string;
}

export interface ObservedCluster {
  statefulSet: ObservedStatefulSet;
  pods: ObservedPod[];
  serverset: { members: ServersetMember[]; error?: string };
  diagnostics?: DiagnosticSignals;
}
