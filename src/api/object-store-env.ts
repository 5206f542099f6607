// The env vars that carry spec.backup.objectStore from the operator's pod template to the backup agent: one
// contract for the renderer (src/resources/backup-agent.ts) and the reader (src/agent/object-store-env-settings.ts).

export const OBJECT_STORE_ENV = {
  bucket: 'OBJECT_STORE_BUCKET',
  endpoint: 'OBJECT_STORE_ENDPOINT',
  prefix: 'OBJECT_STORE_PREFIX',
  region: 'OBJECT_STORE_REGION',
  forcePathStyle: 'OBJECT_STORE_FORCE_PATH_STYLE',
  accessKeyId: 'OBJECT_STORE_ACCESS_KEY_ID',
  secretAccessKey: 'OBJECT_STORE_SECRET_ACCESS_KEY',
  /** path of the PEM bundle the pod mounts from spec.backup.objectStore.caBundle */
  caFile: 'OBJECT_STORE_CA_FILE',
  encryption: 'OBJECT_STORE_SSE',
  kmsKeyId: 'OBJECT_STORE_SSE_KMS_KEY_ID',
  keepLast: 'OBJECT_STORE_KEEP_LAST',
  maxAge: 'OBJECT_STORE_MAX_AGE',
  clusterName: 'AURORA_CLUSTER_NAME',
  namespace: 'AURORA_CLUSTER_NAMESPACE',
  auroraVersion: 'AURORA_VERSION',
  schedulerUrl: 'SCHEDULER_HTTP_URL',
} as const;

/** Where the backup agent finds the object store's CA: a file, so a PEM of any size never passes through env. */
export const OBJECT_STORE_CA_DIR = '/etc/aurora-operator/object-store-ca';
export const OBJECT_STORE_CA_FILE = `${OBJECT_STORE_CA_DIR}/ca.crt`;

/** defaultObjectStorePrefix: each cluster's backups live under their own prefix unless the spec says otherwise. */
export function defaultObjectStorePrefix(namespace: string, cluster: string): string {
  return `${namespace}/${cluster}/`;
}

/** auroraVersionOfImage is the image's tag (the Aurora release by convention), or "unknown" without one. */
export function auroraVersionOfImage(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : 'unknown';
}
