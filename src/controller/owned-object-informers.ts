// Watches of the objects the operator applies besides the StatefulSet (ConfigMaps, Services, PDBs) and its
// Secrets, so that reconcile compares and reads them from caches instead of asking the API server every pass.
import type {
  KubernetesObject,
  V1ConfigMap,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { makeBookmarkInformer } from '../k8s/bookmark-informer.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { superviseInformer, type SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';

const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=aurora-operator';

export function buildOwnedObjectInformers(client: RestClient, namespace: string | undefined, log: Logger) {
  const managed = <T extends KubernetesObject>(apiVersion: string, plural: string): SupervisedInformer<T> =>
    superviseInformer(
      makeBookmarkInformer<T>(client, resourcePath({ apiVersion, plural, namespace }), MANAGED_SELECTOR),
      { name: plural, log },
    );
  return {
    configMaps: managed<V1ConfigMap>('v1', 'configmaps'),
    services: managed<V1Service>('v1', 'services'),
    podDisruptionBudgets: managed<V1PodDisruptionBudget>('policy/v1', 'poddisruptionbudgets'),
    // only the operator's own Secrets (the backup agents' token) carry the managed-by label
    secrets: managed<V1Secret>('v1', 'secrets'),
  };
}
