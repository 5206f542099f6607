// Loads the Kubernetes client configuration, refusing client-node's silent fallback to localhost:8080.
import { KubeConfig } from '@kubernetes/client-node';
import { shareDispatcher } from './shared-dispatcher.ts';

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const server = kc.getCurrentCluster()?.server;
  // client-node silently falls back to localhost:8080, which is never what an operator wants
  if (!server || server === 'http://localhost:8080') {
    throw new Error(
      'no Kubernetes configuration found: set KUBECONFIG or run in a pod with a service account',
    );
  }
  return shareDispatcher(kc);
}
