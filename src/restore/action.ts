// What a restore step decides to do, as a record: the step's decide is pure over the observed world, and the one
// executor (restore-executor.ts) carries the record out, sorts its errors and checkpoints what it established.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AuroraRestoreStatus } from '../api/aurora-restore.ts';
import type { TerminalError } from '../controller/result.ts';
import type { StepEvent } from '../controller/steps.ts';
import type { ObjectRef } from '../k8s/kube-client.ts';
import type { TaskQuery } from '../thrift/api-types.ts';

/** One write to the API server; a list of them runs in order and stops at the first error. */
export type KubeOp =
  | { op: 'apply'; object: KubernetesObject }
  /** `uid` pins the delete to the object observed, so a replacement of the same name survives a stale pass */
  | { op: 'delete'; ref: ObjectRef; uid?: string }
  | { op: 'patch'; ref: ObjectRef; patch: Record<string, unknown> }
  /** the NetworkPolicy that blocks client traffic: built by the executor, which knows the operator's own pods */
  | { op: 'block-traffic' };

/** kindOf: the kind of object a write touches. */
export function kindOf(op: KubeOp): string {
  if (op.op === 'block-traffic') return 'NetworkPolicy';
  return op.op === 'apply' ? (op.object.kind ?? '') : op.ref.kind;
}

/** A scheduler reached directly, bypassing the leader redirect as the restore guide requires. */
export interface RpcTarget {
  pod: string;
  host: string;
  port: number;
}

/** A pod's backup agent. */
export interface AgentTarget {
  pod: string;
  host: string;
}

/** Status fields the executor sets to the time the action was carried out. */
export type Stamp = 'commitRequestedAt' | 'logSnapshotAt';

export type RpcAction =
  | {
      call: 'stageRecovery';
      target: RpcTarget;
      backupId: string;
      /** an ERROR message part meaning the call's effect already holds */
      alreadyDone: string;
      /** a bounded storage read first: a leader whose storage is not READY is a wait, not a fault */
      requireStorage: true;
      message: string;
    }
  | { call: 'deleteRecoveryTasks'; target: RpcTarget; queries: TaskQuery[]; message: string }
  /** reads the staged snapshot and records what it holds, so the approver sees what a commit writes */
  | { call: 'queryRecovery'; target: RpcTarget; snapshotAt?: string | undefined }
  | { call: 'unloadRecovery'; target: RpcTarget; message: string }
  | { call: 'snapshot'; target: RpcTarget; stamp: Stamp; message: string }
  /**
   * counted against `budget` only when it could have landed (rpc-delivery.ts); the executor checks the budget
   * first, then the target, then the leader's storage
   */
  | {
      call: 'commitRecovery';
      /** the leader found by FindLeader; without an IP it cannot be called, but its uid still counts */
      target: { pod: string; host: string | undefined; port: number; uid: string | undefined } | undefined;
      budget: number;
      taskCount: number;
      requireStorage: true;
    };

export type AgentAction =
  /** the backup search (with a download from the object store first when `fromStore`), validated */
  | { call: 'findBackup'; fromStore: boolean }
  /** the restore's impact against the live scheduler; after `unknownAfterMs` of transient failures, "unknown" */
  /** `noLiveState`: the reason there is nothing live to compare with; recorded at once as "impact unknown" */
  | { call: 'readImpact'; unknownAfterMs: number; noLiveState?: string }
  | { call: 'copyBackup'; from: AgentTarget; to: AgentTarget; port: number; backupId: string }
  | { call: 'markSucceeded'; hosts: string[]; port: number; restoreId: string; message: string };

export type RestoreAction =
  /** nothing to do but wait for the world; `pollStorage` waits on the storage poll instead of requeueAfterMs */
  | {
      kind: 'wait';
      message: string;
      requeueAfterMs?: number;
      pollStorage?: boolean;
      phase?: 'AwaitingApproval';
      events?: StepEvent[];
    }
  /** status the step established from the observed world, recorded with its progress */
  | { kind: 'record'; message: string; status: Partial<AuroraRestoreStatus> }
  | { kind: 'kube'; ops: KubeOp[]; message: string }
  | ({ kind: 'rpc' } & RpcAction)
  | ({ kind: 'agent' } & AgentAction)
  /**
   * status saved before anything else happens (e.g. the commit intent), under the fault window `window`; `then`
   * is carried out after it in the same pass
   */
  | {
      kind: 'checkpoint';
      stamp: Stamp;
      status?: Partial<AuroraRestoreStatus>;
      window: string;
      then: RestoreAction;
    }
  /** a fault that may clear: the executor throws it for the work queue's back-off */
  | { kind: 'retry'; reason: string }
  | { kind: 'fail'; error: TerminalError };
