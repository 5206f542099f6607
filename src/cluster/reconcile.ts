// Level-based reconcile of one AuroraCluster: observe, apply the desired objects, drive restarts one at a time,
// then write a status computed from what was seen.
import type { AuroraClusterStatus } from '../api/aurora-cluster.ts';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import { setCondition } from '../api/conditions.ts';
import { RESTORE_LOCK_ANNOTATION } from '../api/contracts.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';
import { DONE, TerminalError, type ReconcileResult } from '../controller/result.ts';
import type { KubeClient, ObjectRef } from '../k8s/kube-client.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import type { Logger } from '../log.ts';
import { buildDesiredResources } from '../resources/desired-resources.ts';
import { buildConditionEvents } from './condition-events.ts';
import { computeStatus } from './compute-status.ts';
import { ensureLeaderLabels } from './leader-labels.ts';
import { findLeader } from './leader.ts';
import { ensureDanglingLockReleased, withStatefulSetPrecondition, type LockGuardDeps } from './lock-guard.ts';
import { ensureLogInitEvidence, observeLogInitEvidence, type LogInitGuardDeps } from './log-init-guard.ts';
import { observeCluster, type ObserveDeps } from './observe.ts';
import type { ObservedCluster } from './observed.ts';
import { planLogInit } from './plan-log-init.ts';
import { decideRollout, type RolloutDecision } from './rollout.ts';

export interface ClusterReconcilerDeps extends ObserveDeps, LogInitGuardDeps, LockGuardDeps {
  getCluster(namespace: string, name: string): unknown;
  kube: KubeClient;
  log: Logger;
  now(): Date;
  readyRequeueMs: number;
  notReadyRequeueMs: number;
  /** creates the backup agents' token Secret once, before the pods that need it */
  ensureAgentSecret?(cluster: AuroraCluster): Promise<void>;
  /** the newest backup the replicas' agents report, undefined when none answered */
  newestBackup?(cluster: AuroraCluster, pods: ObservedCluster['pods']): Promise<NewestBackup | undefined>;
}

function refOf(cluster: {
  metadata: { name: string; namespace?: string | undefined; uid?: string | undefined };
}): ObjectRef {
  return {
    apiVersion: API_VERSION,
    kind: AURORA_CLUSTER.kind,
    namespace: cluster.metadata.namespace ?? 'default',
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  };
}

async function writeStatus(
  deps: ClusterReconcilerDeps,
  ref: ObjectRef,
  before: AuroraClusterStatus | undefined,
  after: AuroraClusterStatus,
): Promise<void> {
  if (semanticEqual(before ?? {}, after)) return;
  await deps.kube.applyStatus(ref, after);
  for (const event of buildConditionEvents(ref, before?.conditions, after.conditions ?? [])) {
    await deps.kube
      .recordEvent(event)
      .catch((err: unknown) => deps.log.warn({ err }, 'Could not record an event'));
  }
}

function invalidSpecMessage(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

async function driveRollout(
  deps: ClusterReconcilerDeps,
  cluster: AuroraCluster,
  decision: RolloutDecision,
): Promise<void> {
  if (decision.action !== 'restart') return;
  const namespace = cluster.metadata.namespace ?? 'default';
  deps.log.info({ pod: decision.pod }, 'Restarting scheduler onto the new revision');
  await deps.kube.delete(
    { apiVersion: 'v1', kind: 'Pod', namespace, name: decision.pod },
    { uid: decision.uid },
  );
  await deps.kube.recordEvent({
    regarding: refOf(cluster),
    type: 'Normal',
    reason: 'RestartingScheduler',
    message: `Deleted ${decision.pod} so it restarts on the new revision (one at a time, leader last).`,
  });
}

export async function reconcileAuroraCluster(
  key: string,
  deps: ClusterReconcilerDeps,
): Promise<ReconcileResult> {
  const [namespace = 'default', name = ''] = key.split('/');
  const raw = deps.getCluster(namespace, name) as Partial<AuroraCluster> | undefined;
  if (!raw?.metadata) return DONE;
  const parsed = AuroraCluster.safeParse(raw);
  if (!parsed.success) {
    const message = `Invalid AuroraCluster spec: ${invalidSpecMessage(parsed.error)}`;
    const before = raw.status;
    // the rest of the status describes a spec that no longer applies, so only Degraded is kept
    await writeStatus(deps, refOf({ metadata: raw.metadata }), before, {
      ...before,
      observedGeneration: raw.metadata.generation ?? 0,
      phase: 'Degraded',
      conditions: setCondition(
        before?.conditions?.filter((c) => c.type === 'Degraded') ?? [],
        { type: 'Degraded', status: 'True', reason: 'InvalidSpec', message },
        deps.now(),
      ),
    });
    throw new TerminalError('InvalidSpec', message);
  }
  const cluster = parsed.data;
  const ref = refOf(cluster);
  if (cluster.spec.paused) {
    await writeStatus(deps, ref, cluster.status, { ...cluster.status, phase: 'Paused' });
    return DONE;
  }
  const lockedBy = cluster.metadata.annotations?.[RESTORE_LOCK_ANNOTATION];
  if (lockedBy && (await ensureDanglingLockReleased(cluster, lockedBy, deps))) return { requeueAfterMs: 0 };
  await deps.ensureAgentSecret?.(cluster);
  const observed = await observeCluster(cluster, deps);
  const evidence = await observeLogInitEvidence(cluster, deps);
  const logInit = planLogInit({ cluster, observed, evidence, now: deps.now() });
  const problem =
    observed.statefulSet.exists && observed.statefulSet.replicas !== cluster.spec.replicas && !lockedBy
      ? {
          reason: 'ReplicasChangeRefused',
          message:
            `spec.replicas changed from ${observed.statefulSet.replicas} to ${cluster.spec.replicas}: changing the ` +
            'quorum needs the documented order (raise -native_log_quorum_size on every scheduler first), which the ' +
            'operator does not implement yet. Set replicas back to keep the cluster managed.',
        }
      : undefined;
  const leader = findLeader(observed, cluster.spec.httpPort);
  let rollout: RolloutDecision = { action: 'none' };
  if (!lockedBy && !problem) {
    const logInitAllowed = await ensureLogInitEvidence(cluster, logInit, deps);
    for (const obj of buildDesiredResources(cluster, { logInitAllowed })) {
      await deps.kube.apply(withStatefulSetPrecondition(obj, observed.statefulSet.resourceVersion));
    }
    await ensureLeaderLabels(
      deps.kube,
      namespace,
      observed.pods,
      leader.kind === 'elected' ? leader.pod?.name : undefined,
    );
    rollout = decideRollout(
      observed.pods,
      observed.statefulSet.updateRevision,
      cluster.spec.replicas,
      leader.kind === 'elected' ? leader.pod?.name : undefined,
    );
    await driveRollout(deps, cluster, rollout);
  }
  const status = computeStatus({
    cluster,
    observed,
    rollout,
    now: deps.now(),
    lockedBy,
    problem,
    logInitRefusal: logInit.refusal,
  });
  const newestBackup = await deps.newestBackup?.(cluster, observed.pods);
  if (newestBackup) status.newestBackup = newestBackup;
  await writeStatus(deps, ref, cluster.status, status);
  const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return { requeueAfterMs: ready && !problem ? deps.readyRequeueMs : deps.notReadyRequeueMs };
}
