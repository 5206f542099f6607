// What the operator keeps of a watched pod: the fields toObservedPod, the restore's observe and the backup-agent
// host guard read, and nothing of the spec, which is most of a pod and read by none of them.
import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';

// the projection leaves out what the original lacks, so a field it had and one it lacked stay apart
const definedOnly = <T extends object>(obj: { [K in keyof T]: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;

// a container's name, restart count and states; its image, ids, readiness and resources are not read, so the
// type's required image, imageID and ready are left out too
function projectContainerStatus(c: V1ContainerStatus): V1ContainerStatus {
  const kept = { name: c.name, restartCount: c.restartCount, state: c.state, lastState: c.lastState };
  return definedOnly(kept) as V1ContainerStatus;
}

const projectCondition = (c: V1PodCondition): V1PodCondition => ({ type: c.type, status: c.status });

/** projectPod keeps exactly the pod fields read from the cache; test/unit/k8s/pod-projection.test.ts checks them. */
export function projectPod(pod: V1Pod): V1Pod {
  const meta = pod.metadata ?? {};
  const status = pod.status;
  return definedOnly<V1Pod>({
    metadata: definedOnly<NonNullable<V1Pod['metadata']>>({
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      labels: meta.labels,
      ownerReferences: meta.ownerReferences,
      deletionTimestamp: meta.deletionTimestamp,
    }),
    status:
      status &&
      definedOnly<NonNullable<V1Pod['status']>>({
        phase: status.phase,
        podIP: status.podIP,
        conditions: status.conditions?.map(projectCondition),
        containerStatuses: status.containerStatuses?.map(projectContainerStatus),
        initContainerStatuses: status.initContainerStatuses?.map(projectContainerStatus),
      }),
  });
}
