// A supervised informer over one custom resource kind, in one namespace or cluster-wide.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { makeBookmarkInformer } from './bookmark-informer.ts';
import type { RestClient } from './rest/rest-client.ts';
import { resourcePath } from './rest/resource-path.ts';
import { superviseInformer, type SupervisedInformer } from './supervised-informer.ts';

export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
}

export function buildCustomObjectInformer(
  client: RestClient,
  { group, version, plural }: CustomResourceRef,
  namespace: string | undefined,
  log: Logger,
): SupervisedInformer<KubernetesObject> {
  const path = resourcePath({ apiVersion: `${group}/${version}`, plural, namespace });
  return superviseInformer(makeBookmarkInformer<KubernetesObject>(client, path), { name: plural, log });
}
