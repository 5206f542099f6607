// The client configuration of a kubeconfig whose settings only @kubernetes/client-node honours (auth providers such
// as OIDC, a proxy, impersonation). client-node loads only here, out of a pod: in a pod the operator never needs it.
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from './kube-config.ts';

const bufferOf = (v: unknown): Buffer | undefined =>
  Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : undefined;

/**
 * clientNodeConfig loads one kubeconfig document (paths already absolute) into client-node and takes its TLS
 * material, proxy agent and impersonation once, and its Authorization for every request, so expiring credentials
 * (an OIDC id-token, a provider's token) are refreshed by client-node.
 */
export async function clientNodeConfig(doc: unknown): Promise<KubeConfig> {
  const { KubeConfig: ClientNodeKubeConfig } = await import('@kubernetes/client-node');
  const kc = new ClientNodeKubeConfig();
  kc.loadFromString(JSON.stringify(doc));
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig: context ${kc.getCurrentContext()} has no cluster`);
  const applied = async (): Promise<RequestOptions> => {
    const opts: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    return opts;
  };
  const first = await applied();
  const { Authorization: _auth, ...headers } = (first.headers ?? {}) as Record<string, string>;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default',
    ca: bufferOf(first.ca),
    cert: bufferOf(first.cert),
    key: bufferOf(first.key),
    insecureSkipTlsVerify: cluster.skipTLSVerify === true,
    tlsServerName: cluster.tlsServerName,
    headers,
    // client-node's agent only when it speaks to a proxy; otherwise the REST client's keep-alive pool is better
    agent: cluster.proxyUrl ? (first.agent as Agent | undefined) : undefined,
    async authorization() {
      const opts = await applied();
      const auth = (opts.headers as Record<string, string> | undefined)?.['Authorization'];
      if (auth) return auth;
      return opts.auth ? `Basic ${Buffer.from(opts.auth).toString('base64')}` : undefined;
    },
  };
}
