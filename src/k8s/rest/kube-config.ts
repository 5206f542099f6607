// Where and how the operator reaches the API server: its URL, TLS material, credentials and default namespace,
// read from a kubeconfig file or from the pod's service account.
import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';

export interface KubeConfig {
  /** the API server's base URL, e.g. https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT in a pod */
  readonly server: string;
  /** the current context's namespace (in a pod, the pod's own), 'default' when none is set */
  readonly namespace: string;
  readonly ca?: Buffer | undefined;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  readonly insecureSkipTlsVerify: boolean;
  /** the name to verify the server's certificate against when it differs from the server URL's host */
  readonly tlsServerName?: string | undefined;
  /** headers every request carries, e.g. Impersonate-User */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** the agent to send through instead of the REST client's own, e.g. one that speaks to a proxy */
  readonly agent?: Agent | undefined;
  /** the Authorization header value for the next request, undefined when the user has no token or password */
  authorization(): string | undefined | Promise<string | undefined>;
  /** set when a credential can be fetched afresh (an exec plugin): a 401 calls it and sends the request once more */
  readonly refreshAuthorization?: (() => void) | undefined;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
// a projected token is renewed well before it expires, so a minute-old copy is always still valid
const TOKEN_REREAD_MS = 60_000;

/** tokenFileReader returns the file's token, read again once a minute so that a rotated token is picked up. */
export function tokenFileReader(path: string, now: () => number = Date.now): () => string {
  let token = '';
  let readAt = -Infinity;
  return () => {
    if (now() - readAt >= TOKEN_REREAD_MS) {
      token = readFileSync(path, 'utf8').trim();
      readAt = now();
    }
    return token;
  };
}

/** inClusterConfig reads the service account's token, CA and namespace, and the API server's address from env. */
export function inClusterConfig(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port)
    throw new Error('in a pod but KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is unset');
  // the same plain-HTTP ports client-node treats as such
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const namespaceFile = join(dir, 'namespace');
  const caFile = join(dir, 'ca.crt');
  const token = tokenFileReader(join(dir, 'token'));
  return {
    server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    namespace: existsSync(namespaceFile)
      ? readFileSync(namespaceFile, 'utf8').trim() || 'default'
      : 'default',
    ca: existsSync(caFile) ? readFileSync(caFile) : undefined,
    insecureSkipTlsVerify: false,
    authorization: () => `Bearer ${token()}`,
  };
}
