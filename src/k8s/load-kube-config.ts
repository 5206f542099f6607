// Loads the Kubernetes client configuration, refusing client-node's silent fallback to localhost:8080.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inClusterConfig, SERVICE_ACCOUNT_DIR, type KubeConfig } from './rest/kube-config.ts';
import { readKubeconfigFiles } from './rest/kubeconfig-file.ts';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

/**
 * loadKubeConfig looks where client-node's loadFromDefault does: the files in KUBECONFIG, else ~/.kube/config, else
 * the pod's service account; it throws instead of falling back to http://localhost:8080.
 */
export async function loadKubeConfig(opts: LoadOptions = {}): Promise<KubeConfig> {
  const env = opts.env ?? process.env;
  const files = (env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
  if (files.length > 0) return readKubeconfigFiles(files);
  const home = opts.home ?? homedir();
  const userConfig = join(home, '.kube', 'config');
  if (home && existsSync(userConfig)) return readKubeconfigFiles([userConfig]);
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (existsSync(join(dir, 'token'))) return inClusterConfig(env, dir);
  throw new Error('no Kubernetes configuration found: set KUBECONFIG or run in a pod with a service account');
}
