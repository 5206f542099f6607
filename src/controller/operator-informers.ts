// The operator's watches: AuroraClusters and AuroraRestores, plus the StatefulSets, pods and PVCs it manages, in
// every namespace or only in the watched ones.
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
import { buildWatchInformer } from '../k8s/namespaced-informers.ts';
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
  const namespaces = config.watchNamespaces;
  const prefix = (ns: string | undefined): string => (ns ? `/namespaces/${ns}` : '');
  const labelSelector = MANAGED_SELECTOR;
  const owned = new Map<string | undefined, ReturnType<typeof buildOwnedObjectInformers>>();
  // the four owned-object informers of one namespace (or of all), built once however many fields use them
  const ownedIn = (ns: string | undefined) => {
    const existing = owned.get(ns);
    if (existing) return existing;
    const built = buildOwnedObjectInformers(kc, ns, log);
    owned.set(ns, built);
    return built;
  };
  return {
    clusters: buildWatchInformer(namespaces, (ns) =>
      buildCustomObjectInformer(
        kc,
        { group: GROUP, version: VERSION, plural: AURORA_CLUSTER.plural },
        ns,
        log,
      ),
    ),
    statefulSets: buildWatchInformer(namespaces, (ns) =>
      superviseInformer(
        makeBookmarkInformer<V1StatefulSet>(
          kc,
          `/apis/apps/v1${prefix(ns)}/statefulsets`,
          () =>
            ns
              ? apps.listNamespacedStatefulSet({ namespace: ns, labelSelector })
              : apps.listStatefulSetForAllNamespaces({ labelSelector }),
          labelSelector,
        ),
        { name: 'statefulsets', log },
      ),
    ),
    pods: buildWatchInformer(namespaces, (ns) =>
      superviseInformer(
        makeBookmarkInformer<V1Pod>(
          kc,
          `/api/v1${prefix(ns)}/pods`,
          () =>
            ns
              ? core.listNamespacedPod({ namespace: ns, labelSelector })
              : core.listPodForAllNamespaces({ labelSelector }),
          labelSelector,
        ),
        { name: 'pods', log },
      ),
    ),
    claims: buildWatchInformer(namespaces, (ns) =>
      superviseInformer(
        makeBookmarkInformer<V1PersistentVolumeClaim>(
          kc,
          `/api/v1${prefix(ns)}/persistentvolumeclaims`,
          () =>
            ns
              ? core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: CLAIM_SELECTOR })
              : core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: CLAIM_SELECTOR }),
          CLAIM_SELECTOR,
        ),
        { name: 'persistentvolumeclaims', log },
      ),
    ),
    configMaps: buildWatchInformer(namespaces, (ns) => ownedIn(ns).configMaps),
    services: buildWatchInformer(namespaces, (ns) => ownedIn(ns).services),
    podDisruptionBudgets: buildWatchInformer(namespaces, (ns) => ownedIn(ns).podDisruptionBudgets),
    secrets: buildWatchInformer(namespaces, (ns) => ownedIn(ns).secrets),
    restores: buildWatchInformer(namespaces, (ns) =>
      buildCustomObjectInformer(
        kc,
        { group: GROUP, version: VERSION, plural: AURORA_RESTORE.plural },
        ns,
        log,
      ),
    ),
  };
}
