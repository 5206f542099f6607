// The identity of the Kubernetes cluster the operator runs in, recorded in ZooKeeper markers so that the same
// namespace/name in two Kubernetes clusters sharing one ZooKeeper ensemble is never taken for one owner.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/**
 * readKubernetesClusterId: the configured id, else the UID of the `kube-system` namespace (stable for the life of
 * a cluster and readable without extra grants beyond `get namespaces/kube-system`); undefined when neither is known.
 */
export async function readKubernetesClusterId(
  kc: KubeConfig,
  configured: string | undefined,
): Promise<{ id?: string; error?: string }> {
  if (configured) return { id: configured };
  try {
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'kube-system' });
    return ns.metadata?.uid ? { id: ns.metadata.uid } : { error: 'kube-system has no uid' };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
