// The operator's side of a restore from another store: it reads the credentials Secret and CA named in the
// restore (or the bootstrap), resolves the backup in that store and signs a link the agent downloads it through.
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { RestoreSourceStore } from '../api/aurora-restore.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { linkBackup, type BackupLink } from '../objectstore/backup-link.ts';
import { createObjectStoreClient, type ObjectStoreSettings } from '../objectstore/object-store-client.ts';

/** Another store's settings, as a restore's source or a bootstrap names them: bucket and prefix are known. */
export type SourceStore = RestoreSourceStore & { bucket: string; prefix: string };

export interface SourceLink {
  link: BackupLink;
  /** the PEM bundle the agent needs to trust the store, read from the named Secret or ConfigMap */
  caBundle?: string;
}

/** Resolves a backup of another store and signs its link; an ObjectStoreError says why the store refused. */
export type LinkSourceBackup = (
  namespace: string,
  store: SourceStore,
  nameOrLatest: string,
) => Promise<SourceLink>;

// a missing Secret or key is waited for (someone may be creating it), with a message saying which one
async function readKeys(
  client: RestClient,
  namespace: string,
  source: { kind: 'secrets' | 'configmaps'; name: string },
  keys: readonly string[],
): Promise<string[]> {
  const path = resourcePath({ apiVersion: 'v1', plural: source.kind, namespace, name: source.name });
  const what = `${source.kind === 'secrets' ? 'Secret' : 'ConfigMap'} ${namespace}/${source.name}`;
  const object = await client.request<V1Secret & V1ConfigMap>({ path }).catch((err: unknown) => {
    if (isNotFound(err)) throw new Error(`waiting for ${what}, which the restore's source store names`);
    throw err;
  });
  return keys.map((key) => {
    const raw = object.data?.[key];
    const value =
      raw !== undefined && source.kind === 'secrets' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (value === undefined || value === '') throw new Error(`waiting for key ${key} in ${what}`);
    return value;
  });
}

/** storeSettings: the connection the operator signs with; region and path style default as for the own store. */
export async function storeSettings(
  client: RestClient,
  namespace: string,
  store: SourceStore,
): Promise<ObjectStoreSettings & { caBundle?: string }> {
  const { credentials: keys, caBundle: ca } = store;
  const pair =
    keys &&
    (await readKeys(client, namespace, { kind: 'secrets', name: keys.secretName }, [
      keys.accessKeyIdKey,
      keys.secretAccessKeyKey,
    ]));
  const credentials = pair && { accessKeyId: pair[0] ?? '', secretAccessKey: pair[1] ?? '' };
  const caSource = ca?.secretName
    ? { kind: 'secrets' as const, name: ca.secretName }
    : ca?.configMapName
      ? { kind: 'configmaps' as const, name: ca.configMapName }
      : undefined;
  const caBundle = caSource && ca ? (await readKeys(client, namespace, caSource, [ca.key]))[0] : undefined;
  return {
    ...(store.endpoint === undefined ? {} : { endpoint: store.endpoint }),
    bucket: store.bucket,
    prefix: store.prefix,
    region: store.region ?? 'us-east-1',
    forcePathStyle: store.forcePathStyle ?? false,
    ...(credentials ? { credentials } : {}),
    ...(caBundle === undefined ? {} : { caBundle }),
  };
}

export function createSourceLinker(client: RestClient): LinkSourceBackup {
  return async (namespace, store, nameOrLatest) => {
    const settings = await storeSettings(client, namespace, store);
    // a restore waits and retries itself, so one quick attempt per pass instead of the SDK's own retries
    const s3 = createObjectStoreClient(settings, { maxAttempts: 1, requestTimeoutMs: 30_000 });
    try {
      const link = await linkBackup(s3, settings, nameOrLatest);
      return { link, ...(settings.caBundle === undefined ? {} : { caBundle: settings.caBundle }) };
    } finally {
      s3.destroy();
    }
  };
}
