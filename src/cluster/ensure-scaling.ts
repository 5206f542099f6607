// The one effect a scaling step may take besides the StatefulSet: restart the leader so another replica leads,
// or delete retained log PVCs whose stale log must not rejoin the quorum.
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { API_VERSION, AURORA_CLUSTER } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import type { ScalingAction } from './scaling-steps.ts';

export async function ensureScalingAction(
  cluster: AuroraCluster,
  action: ScalingAction,
  deps: { kube: KubeClient; log: Logger },
): Promise<void> {
  if (action.kind === 'none') return;
  const namespace = cluster.metadata.namespace ?? 'default';
  const regarding = {
    apiVersion: API_VERSION,
    kind: AURORA_CLUSTER.kind,
    namespace,
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  };
  if (action.kind === 'delete-pod') {
    // the uid makes a pass that saw an older incarnation of the pod delete nothing
    await deps.kube.delete(
      { apiVersion: 'v1', kind: 'Pod', namespace, name: action.pod },
      { uid: action.uid },
    );
    deps.log.info({ pod: action.pod }, 'Restarted the leader so that a replica that stays leads');
    await deps.kube.recordEvent({
      regarding,
      type: 'Normal',
      reason: 'MovingLeader',
      message: `Deleted leader ${action.pod}: its ordinal is removed by the scale-down, another replica leads.`,
    });
    return;
  }
  for (const name of action.claims) {
    await deps.kube.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name });
  }
  await deps.kube.recordEvent({
    regarding,
    type: 'Normal',
    reason: 'StaleLogVolumeDeleted',
    message:
      `Deleted ${action.claims.join(', ')}: the retained log of a removed replica is older than the quorum; ` +
      'the replica starts EMPTY and catches up. Its backups volume is kept.',
  });
}
