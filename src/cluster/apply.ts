// The effects of one AuroraCluster plan: release a dangling lock, scale a cluster in a ZooKeeper path conflict to
// 0, the agent Secret, the log-init evidence, the desired objects (the StatefulSet pinned to the observed
// version and to the scaling plan's replicas and quorum), leader labels, one restart and one scaling action.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import { buildDesiredResources } from '../resources/desired-resources.ts';
import { statefulSetName } from '../resources/names.ts';
import { buildStatefulSet } from '../resources/statefulset.ts';
import type { DesiredApplier } from './apply-if-changed.ts';
import { ensureScalingAction } from './ensure-scaling.ts';
import { ensureBootstrapRestore } from './ensure-bootstrap.ts';
import { ensureLeaderLabels } from './leader-labels.ts';
import { holdsLogInit } from './plan-bootstrap.ts';
import { ensureLogInitEvidence, type LogInitGuardDeps } from './log-init-guard.ts';
import { ensureLockReleased, withStatefulSetPrecondition } from './lock-guard.ts';
import type { ClusterObservation, ClusterPlan } from './plan.ts';

export interface ApplyDeps extends LogInitGuardDeps {
  kube: KubeClient;
  log: Logger;
  /** creates the backup agents' token Secret once, before the pods that need it */
  ensureAgentSecret?(cluster: AuroraCluster): Promise<void>;
  /** skips applies that would change nothing; without it every pass applies every object */
  applier?: DesiredApplier | undefined;
}

export type ApplyOutcome = 'lock-released' | 'applied' | 'held';

async function ensureRestart(deps: ApplyDeps, cluster: AuroraCluster, plan: ClusterPlan): Promise<void> {
  const decision = plan.rollout;
  if (decision.action !== 'restart') return;
  const namespace = cluster.metadata.namespace ?? 'default';
  deps.log.info({ pod: decision.pod }, 'Restarting scheduler onto the new revision');
  await deps.kube.delete(
    { apiVersion: 'v1', kind: 'Pod', namespace, name: decision.pod },
    { uid: decision.uid },
  );
  await deps.kube.recordEvent({
    regarding: {
      apiVersion: API_VERSION,
      kind: AURORA_CLUSTER.kind,
      namespace,
      name: cluster.metadata.name,
      uid: cluster.metadata.uid,
    },
    type: 'Normal',
    reason: 'RestartingScheduler',
    message: `Deleted ${decision.pod} so it restarts on the new revision (one at a time, leader last).`,
  });
}

// a merge patch of spec.replicas alone: the StatefulSet's template, claims and PVCs stay as they are
async function ensureScaledToZero(
  deps: ApplyDeps,
  cluster: AuroraCluster,
  resourceVersion: string | undefined,
): Promise<void> {
  const ref = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    namespace: cluster.metadata.namespace ?? 'default',
    name: statefulSetName(cluster),
  };
  await deps.kube.mergePatch(ref, {
    ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
    spec: { replicas: 0 },
  });
  deps.log.warn(
    { statefulSet: ref.name },
    'Scaled the StatefulSet to 0: its ZooKeeper paths belong to another cluster',
  );
}

export async function applyClusterPlan(
  cluster: AuroraCluster,
  obs: ClusterObservation,
  plan: ClusterPlan,
  deps: ApplyDeps,
): Promise<ApplyOutcome> {
  if (plan.lockedBy && plan.releaseLock) {
    await ensureLockReleased(cluster, plan.lockedBy, plan.releaseLock, deps.kube);
    return 'lock-released';
  }
  if (plan.scaleToZero) await ensureScaledToZero(deps, cluster, obs.observed.statefulSet.resourceVersion);
  if (!plan.writes) return 'held';
  await deps.ensureAgentSecret?.(cluster);
  const claimed = await ensureLogInitEvidence(cluster, plan.logInit, deps);
  // a bootstrap starts only on the claim an empty initialization would have needed, and its restore writes the log
  if (plan.bootstrap.kind === 'start' && claimed) await ensureBootstrapRestore(cluster, deps);
  const logInitAllowed = claimed && !holdsLogInit(plan.bootstrap);
  const { target } = plan.scaling;
  const claimSizes = obs.observed.statefulSet.claimSizes;
  for (const desired of buildDesiredResources(cluster, { logInitAllowed })) {
    // the StatefulSet follows the scaling plan's replicas and quorum, and keeps its immutable claim templates
    const obj =
      desired.kind === 'StatefulSet'
        ? buildStatefulSet(cluster, { ...target, ...(claimSizes ? { claimSizes } : {}) })
        : desired;
    const pinned = withStatefulSetPrecondition(obj, obs.observed.statefulSet.resourceVersion);
    if (deps.applier) await deps.applier.ensureApplied(deps.kube, pinned);
    else await deps.kube.apply(pinned);
  }
  const leader = plan.leader.kind === 'elected' ? plan.leader.pod?.name : undefined;
  await ensureLeaderLabels(deps.kube, cluster.metadata.namespace ?? 'default', obs.observed.pods, leader);
  await ensureRestart(deps, cluster, plan);
  await ensureScalingAction(cluster, plan.scaling.action, deps);
  return 'applied';
}
