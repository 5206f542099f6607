// The operator's watches: AuroraClusters and AuroraRestores, plus the StatefulSets, pods and PVCs it manages.
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { AURORA_CLUSTER, AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import type { OperatorConfig } from '../config.ts';
import { buildCustomObjectInformer } from '../k8s/custom-object-informer.ts';
import { makeBookmarkInformer } from '../k8s/bookmark-informer.ts';
import { superviseInformer } from '../k8s/supervised-informer.ts';
import { buildOwnedObjectInformers } from './owned-object-informers.ts';
import type { Logger } from '../log.ts';

const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=aurora-operator';
// the StatefulSet labels its claims with its selector only, so they lack the managed-by label
const CLAIM_SELECTOR = 'app.kubernetes.io/name=aurora-scheduler';

export type OperatorInformers = ReturnType<typeof buildInformers>;

export function buildInformers(kc: KubeConfig, config: OperatorConfig, log: Logger) {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = config.watchNamespace;
  const prefix = ns ? `/namespaces/${ns}` : '';
  const labelSelector = MANAGED_SELECTOR;
  return {
    clusters: buildCustomObjectInformer(
      kc,
      { group: GROUP, version: VERSION, plural: AURORA_CLUSTER.plural },
      ns,
      log,
    ),
    statefulSets: superviseInformer(
      makeBookmarkInformer<V1StatefulSet>(
        kc,
        `/apis/apps/v1${prefix}/statefulsets`,
        () =>
          ns
            ? apps.listNamespacedStatefulSet({ namespace: ns, labelSelector })
            : apps.listStatefulSetForAllNamespaces({ labelSelector }),
        labelSelector,
      ),
      { name: 'statefulsets', log },
    ),
    pods: superviseInformer(
      makeBookmarkInformer<V1Pod>(
        kc,
        `/api/v1${prefix}/pods`,
        () =>
          ns
            ? core.listNamespacedPod({ namespace: ns, labelSelector })
            : core.listPodForAllNamespaces({ labelSelector }),
        labelSelector,
      ),
      { name: 'pods', log },
    ),
    claims: superviseInformer(
      makeBookmarkInformer<V1PersistentVolumeClaim>(
        kc,
        `/api/v1${prefix}/persistentvolumeclaims`,
        () =>
          ns
            ? core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: CLAIM_SELECTOR })
            : core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: CLAIM_SELECTOR }),
        CLAIM_SELECTOR,
      ),
      { name: 'persistentvolumeclaims', log },
    ),
    ...buildOwnedObjectInformers(kc, ns, log),
    restores: buildCustomObjectInformer(
      kc,
      { group: GROUP, version: VERSION, plural: AURORA_RESTORE.plural },
      ns,
      log,
    ),
  };
}
