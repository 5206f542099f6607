// What one reconcile pass saw of a cluster: its pods, their Aurora signals and the serverset.
import type { SchedulerProbe } from '../aurora/scheduler-probe.ts';
import type { ServersetMember } from '../aurora/serverset.ts';
import type { ZkParticipant } from '../aurora/zk-membership.ts';
import type { DiagnosticSignals } from '../diagnostics/signals.ts';
import type { ReplicaShipping } from './compute-shipping.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';

// The cluster reconciler adds each scheduler's probe to the pods it observes; the pod fields come from src/k8s.
declare module '../k8s/observed-pod.ts' {
  interface ObservedPod {
    probe?: SchedulerProbe;
  }
}

export interface ObservedStatefulSet {
  exists: boolean;
  replicas?: number;
  updateRevision?: string;
  /** the version this pass saw, the precondition of its write */
  resourceVersion?: string;
  annotations?: Record<string, string>;
  generation?: number;
  /** the generation the StatefulSet controller has acted on; below generation, updateRevision is stale */
  observedGeneration?: number;
  /** storage requested by each volumeClaimTemplate, by volume name (immutable once created) */
  claimSizes?: Record<string, string>;
}

/** One PersistentVolumeClaim of a scheduler volume, `<volume>-<statefulset>-<ordinal>`. */
export interface ObservedClaim {
  name: string;
  volume: string;
  ordinal: number;
  requested?: string;
  capacity?: string;
  deleting: boolean;
}

export interface ObservedCluster {
  statefulSet: ObservedStatefulSet;
  pods: ObservedPod[];
  serverset: { members: ServersetMember[]; error?: string };
  /** every leader-election participant and log-group replica, read beside the serverset */
  participants?: { election: ZkParticipant[]; logGroup: ZkParticipant[]; error?: string };
  /** the log and backup PVCs, including those of replicas a scale-down removed */
  claims?: ObservedClaim[];
  diagnostics?: DiagnosticSignals;
  /** what the backup agents report on GET /shipping; set only when spec.backup.objectStore is */
  shipping?: ReplicaShipping[];
}
