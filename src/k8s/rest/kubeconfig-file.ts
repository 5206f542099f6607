// Reads kubeconfig files (as KUBECONFIG lists them) into the current context's server, TLS material and credentials.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execTokenReader, type ExecConfig } from './exec-credential.ts';
import { tokenFileReader, type KubeConfig } from './kube-config.ts';
import { planKubeconfigReader } from './kubeconfig-support.ts';

interface Named<T> {
  name: string;
  value: T;
}

type Fields = Record<string, unknown>;

interface Merged {
  currentContext?: string | undefined;
  clusters: Map<string, { fields: Fields; dir: string }>;
  users: Map<string, { fields: Fields; dir: string }>;
  contexts: Map<string, Fields>;
}

const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

// kubeconfig lists entries as { name, cluster | user | context: {...} }
function entries(list: unknown, field: string): Array<Named<Fields>> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) =>
    isFields(e) && typeof e['name'] === 'string' && isFields(e[field])
      ? [{ name: e['name'], value: e[field] }]
      : [],
  );
}

/** mergeKubeconfigs: the first file naming a cluster, user or context wins, as does the first current-context. */
export function mergeKubeconfigs(docs: ReadonlyArray<{ doc: unknown; dir: string }>): Merged {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const { doc, dir } of docs) {
    if (!isFields(doc)) continue;
    merged.currentContext ??= str(doc['current-context']);
    for (const c of entries(doc['clusters'], 'cluster'))
      if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, { fields: c.value, dir });
    for (const u of entries(doc['users'], 'user'))
      if (!merged.users.has(u.name)) merged.users.set(u.name, { fields: u.value, dir });
    for (const x of entries(doc['contexts'], 'context'))
      if (!merged.contexts.has(x.name)) merged.contexts.set(x.name, x.value);
  }
  return merged;
}

// a `*-data` field holds base64 content, the plain field a path relative to the file that names it
function material(fields: Fields, key: string, dir: string): Buffer | undefined {
  const data = str(fields[`${key}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const path = str(fields[key]);
  return path ? readFileSync(resolve(dir, path)) : undefined;
}

type Credentials = Pick<KubeConfig, 'authorization' | 'refreshAuthorization'>;

function credentialsOf(user: Fields, dir: string): Credentials {
  const exec = user['exec'];
  if (isFields(exec) && typeof exec['command'] === 'string') {
    const source = execTokenReader(exec as unknown as ExecConfig, dir);
    return {
      authorization: async () => `Bearer ${await source.token()}`,
      refreshAuthorization: () => source.refresh(),
    };
  }
  const token = str(user['token']);
  if (token) return { authorization: () => `Bearer ${token}` };
  const tokenFile = str(user['tokenFile']);
  if (tokenFile) {
    const read = tokenFileReader(resolve(dir, tokenFile));
    return { authorization: () => `Bearer ${read()}` };
  }
  const username = str(user['username']);
  if (username) {
    const basic = Buffer.from(`${username}:${str(user['password']) ?? ''}`).toString('base64');
    return { authorization: () => `Basic ${basic}` };
  }
  return { authorization: () => undefined };
}

// paths in a kubeconfig are relative to the file that names them; client-node gets them absolute
const PATH_FIELDS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];
function absolute(fields: Fields, dir: string): Fields {
  const out: Fields = { ...fields };
  for (const key of PATH_FIELDS) {
    const path = str(fields[key]);
    if (path) out[key] = resolve(dir, path);
  }
  const exec = fields['exec'];
  if (isFields(exec) && typeof exec['command'] === 'string' && exec['command'].includes('/'))
    out['exec'] = { ...exec, command: resolve(dir, exec['command']) };
  return out;
}

/** configFromKubeconfig resolves the current context of merged kubeconfig documents. */
export async function configFromKubeconfig(merged: Merged): Promise<KubeConfig> {
  const name = merged.currentContext;
  const context = name === undefined ? undefined : merged.contexts.get(name);
  if (!context) throw new Error(`kubeconfig: current context ${JSON.stringify(name ?? '')} not found`);
  const cluster = merged.clusters.get(str(context['cluster']) ?? '');
  const server = cluster && str(cluster.fields['server']);
  if (!cluster || !server) throw new Error(`kubeconfig: context ${name} has no cluster with a server`);
  const user = merged.users.get(str(context['user']) ?? '') ?? { fields: {}, dir: cluster.dir };
  if (planKubeconfigReader(cluster.fields, user.fields) === 'client-node') {
    const { clientNodeConfig } = await import('./client-node-config.ts');
    return clientNodeConfig({
      'current-context': name,
      contexts: [{ name, context: { ...context, user: 'user', cluster: 'cluster' } }],
      clusters: [{ name: 'cluster', cluster: absolute(cluster.fields, cluster.dir) }],
      users: [{ name: 'user', user: absolute(user.fields, user.dir) }],
    });
  }
  return {
    server: server.replace(/\/+$/, ''),
    namespace: str(context['namespace']) ?? 'default',
    ca: material(cluster.fields, 'certificate-authority', cluster.dir),
    cert: material(user.fields, 'client-certificate', user.dir),
    key: material(user.fields, 'client-key', user.dir),
    insecureSkipTlsVerify: cluster.fields['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster.fields['tls-server-name']),
    ...credentialsOf(user.fields, user.dir),
  };
}

/** readKubeconfigFiles parses the files (YAML loads only on this path, never in a pod) and resolves the context. */
export async function readKubeconfigFiles(files: readonly string[]): Promise<KubeConfig> {
  const { parse } = await import('yaml');
  const docs = files.map((file) => ({
    doc: parse(readFileSync(file, 'utf8')) as unknown,
    dir: dirname(resolve(file)),
  }));
  return configFromKubeconfig(mergeKubeconfigs(docs));
}
