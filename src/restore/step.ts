// The shape of one restore step and of the effects its action may use.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { AuroraRestoreStatus } from '../api/aurora-restore.ts';
import type { AgentClient } from '../agent/agent-client.ts';
import type { AuroraAdminClient } from '../aurora/admin-client.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import type { OperatorPeer } from '../resources/network-policy.ts';
import type { Situation } from './world.ts';

export interface RestoreEffects {
  kube: KubeClient;
  agents(cluster: AuroraCluster): Promise<AgentClient>;
  /** a client of one scheduler that bypasses the leader redirect, as the restore guide requires */
  admin(podIP: string, httpPort: number): AuroraAdminClient;
  operatorPeer: OperatorPeer;
  log: Logger;
  now(): Date;
}

export interface StepOutcome {
  /** shown in the timeline and the Progressing condition */
  message?: string;
  /** status fields the action established (recorded with its checkpoint) */
  status?: Partial<AuroraRestoreStatus>;
  /** the step waits for something outside the operator, e.g. approval */
  phase?: 'AwaitingApproval';
  requeueAfterMs?: number;
}

export interface StepContext extends Situation {
  fx: RestoreEffects;
  /** writes status fields before the action continues, e.g. the commit intent */
  saveStatus(patch: Partial<AuroraRestoreStatus>): Promise<void>;
  /** a named window inside the action where the test fault hook may stop the operator; a no-op otherwise */
  faultPoint(window: string): Promise<void>;
}

export interface RestoreStep {
  readonly name: string;
  /** postcondition re-checked against the real world; true means the step needs no action */
  done(s: Situation): boolean;
  /** one idempotent action; throw to retry, TerminalError to fail the restore */
  run(ctx: StepContext): Promise<StepOutcome>;
}
