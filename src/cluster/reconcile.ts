// Level-based reconcile of one AuroraCluster: observe (reads only), plan (pure), apply the plan's effects, then
// write a status computed from the observation and the plan.
import type { AuroraClusterStatus } from '../api/aurora-cluster.ts';
import { AuroraCluster } from '../api/aurora-cluster.ts';
import { setCondition } from '../api/conditions.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import { DONE, TerminalError, type ReconcileResult } from '../controller/result.ts';
import type { KubeClient, ObjectRef } from '../k8s/kube-client.ts';
import { semanticEqual } from '../k8s/semantic-equal.ts';
import type { Logger } from '../log.ts';
import { applyClusterPlan, type ApplyDeps } from './apply.ts';
import { buildConditionEvents } from './condition-events.ts';
import { computeStatus } from './compute-status.ts';
import { ensureVolumesExpanded } from './ensure-volumes.ts';
import { observeClusterPass, type PassObserveDeps } from './observe.ts';
import { planCluster } from './plan.ts';
import { toBootstrapRestoreView } from './plan-bootstrap.ts';
import { bootstrapRestoreName } from '../api/bootstrap-spec.ts';
import type { RehearsalDeps } from './ensure-rehearsal.ts';
import { reconcileRehearsal } from './run-rehearsal.ts';

export interface ClusterReconcilerDeps extends PassObserveDeps, ApplyDeps {
  getCluster(namespace: string, name: string): unknown;
  kube: KubeClient;
  log: Logger;
  now(): Date;
  readyRequeueMs: number;
  notReadyRequeueMs: number;
  /** the rehearsal restores' reads and effects; without them no rehearsal runs */
  rehearsal?: RehearsalDeps | undefined;
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

const SCALING_REQUEUE_MS = 1000;
// a rehearsal's steps wait on a pod and a scheduler, whose progress the status write does not bring back
const REHEARSAL_REQUEUE_MS = 2000;

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
  const obs = await observeClusterPass(cluster, deps);
  // a bootstrap that completed is never looked at again
  if (cluster.spec.bootstrap && !cluster.status?.bootstrap?.completedAt && deps.getRestore) {
    const raw = await deps.getRestore(namespace, bootstrapRestoreName(name));
    obs.bootstrapRestore = toBootstrapRestoreView(raw);
  }
  const plan = planCluster(cluster, obs, deps.now());
  if ((await applyClusterPlan(cluster, obs, plan, deps)) === 'lock-released') return { requeueAfterMs: 0 };
  const volumeRefusal = plan.writes ? await ensureVolumesExpanded(cluster, plan.volumes, deps) : undefined;
  const rehearsal = deps.rehearsal
    ? await reconcileRehearsal(cluster, obs, plan, { ...deps.rehearsal, log: deps.log, now: deps.now })
    : undefined;
  const status = computeStatus({
    rehearsal,
    volumeRefusal,
    cluster,
    observed: obs.observed,
    plan,
    now: deps.now(),
    newestBackup: obs.newestBackup,
  });
  await writeStatus(deps, ref, cluster.status, status);
  if (rehearsal?.event) {
    await deps.kube
      .recordEvent({ regarding: ref, type: 'Warning', ...rehearsal.event })
      .catch((err: unknown) => deps.log.warn({ err }, 'Could not record an event'));
  }
  const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const calm = ready && !plan.refusal && !volumeRefusal && !plan.scaling.progress;
  // the status write above does not bring the cluster back, so a scaling step's next one is asked for here
  if (plan.scaling.progress) return { requeueAfterMs: Math.min(SCALING_REQUEUE_MS, deps.notReadyRequeueMs) };
  if (rehearsal?.backups.rehearsal)
    return { requeueAfterMs: Math.min(REHEARSAL_REQUEUE_MS, deps.readyRequeueMs) };
  return { requeueAfterMs: calm ? deps.readyRequeueMs : deps.notReadyRequeueMs };
}
