// One informer per watched namespace behind the single-informer interface, so a namespaced install needs no
// cluster-wide list or watch permission.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { SupervisedInformer } from './supervised-informer.ts';

/**
 * buildWatchInformer returns the cluster-wide informer when no namespaces are given, the namespace's own when one
 * is, and otherwise a combination that routes each namespaced lookup to that namespace's informer.
 */
export function buildWatchInformer<T extends KubernetesObject>(
  namespaces: readonly string[],
  build: (namespace: string | undefined) => SupervisedInformer<T>,
): SupervisedInformer<T> {
  if (namespaces.length === 0) return build(undefined);
  if (namespaces.length === 1) return build(namespaces[0]);
  return combineNamespaceInformers(new Map(namespaces.map((ns) => [ns, build(ns)])));
}

export function combineNamespaceInformers<T extends KubernetesObject>(
  byNamespace: ReadonlyMap<string, SupervisedInformer<T>>,
): SupervisedInformer<T> {
  const all = [...byNamespace.values()];
  return {
    cache: {
      get: (name, namespace) =>
        namespace === undefined
          ? all.map((i) => i.cache.get(name)).find((o) => o !== undefined)
          : byNamespace.get(namespace)?.cache.get(name, namespace),
      list: (namespace) =>
        namespace === undefined
          ? all.flatMap((i) => i.cache.list())
          : (byNamespace.get(namespace)?.cache.list(namespace) ?? []),
    },
    onChange: (cb) => all.forEach((i) => i.onChange(cb)),
    start: async () => {
      await Promise.all(all.map((i) => i.start()));
    },
    stop: async () => {
      await Promise.all(all.map((i) => i.stop()));
    },
    hasSynced: () => all.every((i) => i.hasSynced()),
    restarts: () => all.reduce((n, i) => n + i.restarts(), 0),
  };
}
