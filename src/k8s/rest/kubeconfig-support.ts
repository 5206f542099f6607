// Which reader honours a kubeconfig's current cluster and user: the lean one of ./kubeconfig-file.ts, or
// @kubernetes/client-node for auth providers (OIDC and others), a proxy and impersonation; a setting neither carries
// to the REST client is refused by name rather than ignored.

type Fields = Readonly<Record<string, unknown>>;

const LEAN = {
  cluster: new Set([
    'server',
    'certificate-authority',
    'certificate-authority-data',
    'insecure-skip-tls-verify',
    'tls-server-name',
    // the REST client never asks for compressed answers, so turning compression off is honoured already
    'disable-compression',
    'extensions',
  ]),
  user: new Set([
    'token',
    'tokenFile',
    'username',
    'password',
    'client-certificate',
    'client-certificate-data',
    'client-key',
    'client-key-data',
    'exec',
    'extensions',
  ]),
};
const CLIENT_NODE = { cluster: new Set(['proxy-url']), user: new Set(['auth-provider', 'as']) };

/**
 * planKubeconfigReader: 'lean' when the lean reader honours every setting of the cluster and user, 'client-node'
 * when some need client-node.
 * @throws Error naming a setting that neither honours.
 */
export function planKubeconfigReader(cluster: Fields, user: Fields): 'lean' | 'client-node' {
  let needsClientNode = false;
  for (const [kind, fields] of [
    ['cluster', cluster],
    ['user', user],
  ] as const) {
    for (const key of Object.keys(fields)) {
      if (LEAN[kind].has(key)) continue;
      if (!CLIENT_NODE[kind].has(key))
        throw new Error(`kubeconfig ${kind} setting "${key}" is not supported by aurora-operator`);
      needsClientNode = true;
    }
  }
  return needsClientNode ? 'client-node' : 'lean';
}
