// Watches of the objects the operator applies besides the StatefulSet (ConfigMaps, Services, PDBs) and its
// Secrets, so that reconcile compares and reads them from caches instead of asking the API server every pass.
import {
  CoreV1Api,
  PolicyV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
  type V1PodDisruptionBudget,
  type V1Secret,
  type V1Service,
} from '@kubernetes/client-node';
import { makeBookmarkInformer } from '../k8s/bookmark-informer.ts';
import { superviseInformer, type SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';

const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=aurora-operator';

interface ListResult<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

function managed<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<ListResult<T>>,
  name: string,
  log: Logger,
): SupervisedInformer<T> {
  return superviseInformer(makeBookmarkInformer<T>(kc, path, list, MANAGED_SELECTOR), { name, log });
}

export function buildOwnedObjectInformers(kc: KubeConfig, namespace: string | undefined, log: Logger) {
  const core = kc.makeApiClient(CoreV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const prefix = namespace ? `/namespaces/${namespace}` : '';
  const labelSelector = MANAGED_SELECTOR;
  return {
    configMaps: managed<V1ConfigMap>(
      kc,
      `/api/v1${prefix}/configmaps`,
      () =>
        namespace
          ? core.listNamespacedConfigMap({ namespace, labelSelector })
          : core.listConfigMapForAllNamespaces({ labelSelector }),
      'configmaps',
      log,
    ),
    services: managed<V1Service>(
      kc,
      `/api/v1${prefix}/services`,
      () =>
        namespace
          ? core.listNamespacedService({ namespace, labelSelector })
          : core.listServiceForAllNamespaces({ labelSelector }),
      'services',
      log,
    ),
    podDisruptionBudgets: managed<V1PodDisruptionBudget>(
      kc,
      `/apis/policy/v1${prefix}/poddisruptionbudgets`,
      () =>
        namespace
          ? policy.listNamespacedPodDisruptionBudget({ namespace, labelSelector })
          : policy.listPodDisruptionBudgetForAllNamespaces({ labelSelector }),
      'poddisruptionbudgets',
      log,
    ),
    // only the operator's own Secrets (the backup agents' token) carry the managed-by label
    secrets: managed<V1Secret>(
      kc,
      `/api/v1${prefix}/secrets`,
      () =>
        namespace
          ? core.listNamespacedSecret({ namespace, labelSelector })
          : core.listSecretForAllNamespaces({ labelSelector }),
      'secrets',
      log,
    ),
  };
}
