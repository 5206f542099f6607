// The operator's watches: AuroraClusters and AuroraRestores, plus the StatefulSets, pods and PVCs it manages, in
// every namespace or only in the watched ones.
import type {
  KubernetesObject,
  V1PersistentVolumeClaim,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { AURORA_CLUSTER, AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import type { OperatorConfig } from '../config.ts';
import { buildCustomObjectInformer } from '../k8s/custom-object-informer.ts';
import { makeBookmarkInformer } from '../k8s/bookmark-informer.ts';
import { projectPod } from '../k8s/pod-projection.ts';
import { buildWatchInformer } from '../k8s/namespaced-informers.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { superviseInformer } from '../k8s/supervised-informer.ts';
import { buildOwnedObjectInformers } from './owned-object-informers.ts';
import type { Logger } from '../log.ts';

const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=aurora-operator';
// the StatefulSet labels its claims with its selector only, so they lack the managed-by label
const CLAIM_SELECTOR = 'app.kubernetes.io/name=aurora-scheduler';

export type OperatorInformers = ReturnType<typeof buildInformers>;

export function buildInformers(client: RestClient, config: OperatorConfig, log: Logger) {
  const namespaces = config.watchNamespaces;
  const owned = new Map<string | undefined, ReturnType<typeof buildOwnedObjectInformers>>();
  // the four owned-object informers of one namespace (or of all), built once however many fields use them
  const ownedIn = (ns: string | undefined) => {
    const existing = owned.get(ns);
    if (existing) return existing;
    const built = buildOwnedObjectInformers(client, ns, log);
    owned.set(ns, built);
    return built;
  };
  const watched = <T extends KubernetesObject>(
    apiVersion: string,
    plural: string,
    selector: string,
    transform?: (obj: T) => T,
  ) =>
    buildWatchInformer(namespaces, (ns) =>
      superviseInformer(
        makeBookmarkInformer<T>(
          client,
          resourcePath({ apiVersion, plural, namespace: ns }),
          selector,
          undefined,
          transform ? { transform } : {},
        ),
        { name: plural, log },
      ),
    );
  return {
    clusters: buildWatchInformer(namespaces, (ns) =>
      buildCustomObjectInformer(
        client,
        { group: GROUP, version: VERSION, plural: AURORA_CLUSTER.plural },
        ns,
        log,
      ),
    ),
    statefulSets: watched<V1StatefulSet>('apps/v1', 'statefulsets', MANAGED_SELECTOR),
    // a cached pod keeps only what reconciles read of it (its spec is most of it and read by none)
    pods: watched<V1Pod>('v1', 'pods', MANAGED_SELECTOR, projectPod),
    claims: watched<V1PersistentVolumeClaim>('v1', 'persistentvolumeclaims', CLAIM_SELECTOR),
    configMaps: buildWatchInformer(namespaces, (ns) => ownedIn(ns).configMaps),
    services: buildWatchInformer(namespaces, (ns) => ownedIn(ns).services),
    podDisruptionBudgets: buildWatchInformer(namespaces, (ns) => ownedIn(ns).podDisruptionBudgets),
    secrets: buildWatchInformer(namespaces, (ns) => ownedIn(ns).secrets),
    restores: buildWatchInformer(namespaces, (ns) =>
      buildCustomObjectInformer(
        client,
        { group: GROUP, version: VERSION, plural: AURORA_RESTORE.plural },
        ns,
        log,
      ),
    ),
  };
}
