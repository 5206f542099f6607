// A supervised informer over one custom resource kind, in one namespace or cluster-wide.
import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { makeBookmarkInformer } from './bookmark-informer.ts';
import { superviseInformer, type SupervisedInformer } from './supervised-informer.ts';

export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
}

export function buildCustomObjectInformer(
  kc: KubeConfig,
  { group, version, plural }: CustomResourceRef,
  namespace: string | undefined,
  log: Logger,
): SupervisedInformer<KubernetesObject> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const prefix = namespace ? `/namespaces/${namespace}` : '';
  const list = () =>
    (namespace
      ? custom.listNamespacedCustomObject({ group, version, namespace, plural })
      : custom.listClusterCustomObject({ group, version, plural })) as Promise<{
      items: KubernetesObject[];
      metadata?: { resourceVersion?: string };
    }>;
  return superviseInformer(
    makeBookmarkInformer<KubernetesObject>(kc, `/apis/${group}/${version}${prefix}/${plural}`, list),
    {
      name: plural,
      log,
    },
  );
}
