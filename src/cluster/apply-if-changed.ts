// Applies a desired object only when it would change something, judged against the informer's copy, so an idle
// cluster costs the API server no writes.
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../k8s/kube-client.ts';
import { canonicalJson, semanticSubset } from '../k8s/semantic-equal.ts';

export interface CachedRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Reads an object from an informer cache; undefined when the kind has no cache or the object is not there. */
export type CachedObject = (ref: CachedRef) => KubernetesObject | undefined;

export interface DesiredApplier {
  /** ensureApplied writes obj unless the cached object already holds every field of it; true when it wrote */
  ensureApplied(kube: KubeClient, obj: KubernetesObject): Promise<boolean>;
}

function refOf(obj: KubernetesObject): CachedRef {
  return {
    apiVersion: obj.apiVersion ?? '',
    kind: obj.kind ?? '',
    namespace: obj.metadata?.namespace ?? 'default',
    name: obj.metadata?.name ?? '',
  };
}

// the precondition is how a write is sent, not what it writes
function ownedFields(obj: KubernetesObject): KubernetesObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

const digestOf = (obj: KubernetesObject): string =>
  createHash('sha256').update(canonicalJson(obj)).digest('base64');

/**
 * isUpToDate: the cached object holds every owned field with the same value, and this process applied exactly
 * this object before (a field the operator stopped setting is removed only by a new apply).
 */
export function isUpToDate(
  owned: KubernetesObject,
  cached: KubernetesObject | undefined,
  lastDigest: string | undefined,
): boolean {
  return cached !== undefined && lastDigest === digestOf(owned) && semanticSubset(owned, cached);
}

/** createDesiredApplier remembers what it applied per object, for the process's lifetime. */
export function createDesiredApplier(cached: CachedObject): DesiredApplier {
  const applied = new Map<string, string>();
  return {
    async ensureApplied(kube, obj) {
      const ref = refOf(obj);
      const key = `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
      const owned = ownedFields(obj);
      if (isUpToDate(owned, cached(ref), applied.get(key))) return false;
      applied.delete(key);
      await kube.apply(obj);
      applied.set(key, digestOf(owned));
      return true;
    },
  };
}
