// The shape of one restore step, the context the executor carries its action out in, and what the action established.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestoreStatus } from '../api/aurora-restore.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import type { AuroraAdminClient } from '../aurora/admin-client.ts';
import type { StepDef, StepEvent } from '../controller/steps.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import type { OperatorPeer } from '../resources/network-policy.ts';
import type { RestoreAction } from './action.ts';
import type { LinkSourceBackup } from './source-store-link.ts';
import type { Situation } from './world.ts';

export interface RestoreEffects {
  kube: KubeClient;
  agents(cluster: AuroraCluster): Promise<AgentClient>;
  /** a client of one scheduler that bypasses the leader redirect, as the restore guide requires */
  admin(podIP: string, httpPort: number): AuroraAdminClient;
  operatorPeer: OperatorPeer;
  log: Logger;
  now(): Date;
  /** resolves and signs a backup of another store (source-store-link.ts); optional so test fakes may omit it */
  linkSource?: LinkSourceBackup;
}

export interface StepOutcome {
  /** shown in the timeline and the Progressing condition */
  message?: string;
  /** status fields the action established (recorded with its checkpoint) */
  status?: Partial<AuroraRestoreStatus>;
  /** the step waits for something outside the operator, e.g. approval */
  phase?: 'AwaitingApproval';
  requeueAfterMs?: number;
  /** events the executor records, e.g. a Warning that the backup is old */
  events?: StepEvent[];
}

export interface StepContext extends Situation {
  fx: RestoreEffects;
  /**
   * checkpoints status fields before the action continues, e.g. the commit intent; `window` names the checkpoint
   * for the executor's fault windows
   */
  saveStatus(patch: Partial<AuroraRestoreStatus>, window?: string): Promise<void>;
}

/** A restore step: `decide` is pure over the observed world; the executor (restore-executor.ts) carries it out. */
export interface RestoreStep extends StepDef<Situation> {
  decide(s: Situation): RestoreAction;
}
