// The identity of the Kubernetes cluster the operator runs in, recorded in ZooKeeper markers so that the same
// namespace/name in two Kubernetes clusters sharing one ZooKeeper ensemble is never taken for one owner.
import type { V1Namespace } from '@kubernetes/client-node';
import type { RestClient } from './rest/rest-client.ts';

/**
 * readKubernetesClusterId: the configured id, else the UID of the `kube-system` namespace (stable for the life of
 * a cluster and readable without extra grants beyond `get namespaces/kube-system`); undefined when neither is known.
 */
export async function readKubernetesClusterId(
  client: RestClient,
  configured: string | undefined,
): Promise<{ id?: string; error?: string }> {
  if (configured) return { id: configured };
  try {
    const ns = await client.request<V1Namespace>({ path: '/api/v1/namespaces/kube-system' });
    return ns.metadata?.uid ? { id: ns.metadata.uid } : { error: 'kube-system has no uid' };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
