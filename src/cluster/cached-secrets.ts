// The Secrets a reconcile pass needs, read from watches instead of a GET per pass: the operator's own Secrets from
// the managed-object cache, a user's digest-credentials Secret from a watch of that one name started on first use.
import type { V1Secret } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { agentSecretName } from '../api/contracts.ts';
import { cachedAgentToken } from '../agent/agent-secret.ts';
import { makeBookmarkInformer } from '../k8s/bookmark-informer.ts';
import type { ObjectCache } from '../k8s/rest/object-store.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { superviseInformer, type SupervisedInformer } from '../k8s/supervised-informer.ts';
import type { Logger } from '../log.ts';

export interface CachedSecrets {
  /** the backup agents' token, undefined until its Secret is in the cache */
  agentToken(cluster: AuroraCluster): string | undefined;
  /** true when the agents' Secret is in the cache, so it need not be created */
  hasAgentSecret(cluster: AuroraCluster): boolean;
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
  stop(): Promise<void>;
}

const decode = (value: string | undefined): string | undefined =>
  value ? Buffer.from(value, 'base64').toString('utf8') : undefined;

export function createCachedSecrets(
  client: RestClient,
  managed: ObjectCache<V1Secret>,
  log: Logger,
): CachedSecrets {
  const named = new Map<string, Promise<SupervisedInformer<V1Secret>>>();
  const watchOne = async (namespace: string, name: string): Promise<SupervisedInformer<V1Secret>> => {
    const fieldSelector = `metadata.name=${name}`;
    const list = makeBookmarkInformer<V1Secret>(
      client,
      resourcePath({ apiVersion: 'v1', plural: 'secrets', namespace }),
      undefined,
      fieldSelector,
    );
    const informer = superviseInformer(list, { name: `secret ${namespace}/${name}`, log });
    // start() resolves only once a LIST succeeded; a forbidden or failing LIST must not hold a cluster pass
    void informer.start().catch(() => undefined);
    return informer;
  };
  const agentSecret = (cluster: AuroraCluster): V1Secret | undefined =>
    managed.get(agentSecretName(cluster), cluster.metadata.namespace ?? 'default');
  return {
    agentToken: (cluster) => cachedAgentToken(managed, cluster),
    hasAgentSecret: (cluster) => agentSecret(cluster) !== undefined,
    async digestCredentials(cluster) {
      const ref = cluster.spec.zookeeper.digestCredentialsSecret;
      if (!ref) return undefined;
      const namespace = cluster.metadata.namespace ?? 'default';
      const key = `${namespace}/${ref.name}`;
      let informer = named.get(key);
      if (!informer) {
        informer = watchOne(namespace, ref.name);
        named.set(key, informer);
        // a failed first list is retried by the next pass, not remembered
        informer.catch(() => named.delete(key));
      }
      const watched = await informer;
      // an empty cache before the first LIST says nothing about the Secret: retry rather than report it missing
      if (!watched.hasSynced())
        throw new Error(`Secret ${key} (spec.zookeeper.digestCredentialsSecret) is not listed yet`);
      const secret = watched.cache.get(ref.name, namespace);
      if (!secret) throw new Error(`Secret ${key} (spec.zookeeper.digestCredentialsSecret) not found`);
      return decode(secret.data?.[ref.key]);
    },
    async stop() {
      const started = await Promise.allSettled(named.values());
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    },
  };
}
