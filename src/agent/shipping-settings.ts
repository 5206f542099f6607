// The shipping settings of the backup agent, read from the env the operator renders (src/api/object-store-env.ts):
// undefined when the cluster has no spec.backup.objectStore.
import { readFileSync } from 'node:fs';
import { OBJECT_STORE_ENV as ENV } from '../api/object-store-env.ts';
import { isDuration, parseDuration } from '../api/duration-syntax.ts';
import type { ObjectStoreSettings } from '../objectstore/object-store-client.ts';
import type { RetentionPolicy } from '../objectstore/plan-retention.ts';

export interface ShippingSettings {
  store: ObjectStoreSettings;
  /** absent: nothing is ever deleted from the store */
  retention?: RetentionPolicy;
  cluster: string;
  auroraVersion: string;
  /** the scheduler beside the agent, whose /leaderhealth says whether this replica leads */
  schedulerUrl?: string;
}

type Env = Record<string, string | undefined>;

function retentionOf(env: Env): RetentionPolicy | string | undefined {
  const keepLast = env[ENV.keepLast];
  const maxAge = env[ENV.maxAge];
  if (keepLast === undefined && maxAge === undefined) return undefined;
  if (keepLast !== undefined && !/^[1-9]\d*$/.test(keepLast))
    return `${ENV.keepLast} must be a positive integer`;
  if (maxAge !== undefined && !isDuration(maxAge)) return `${ENV.maxAge} must be an Aurora duration`;
  return {
    ...(keepLast === undefined ? {} : { keepLast: Number(keepLast) }),
    ...(maxAge === undefined ? {} : { maxAgeMs: parseDuration(maxAge) }),
  };
}

function encryptionOf(env: Env): ObjectStoreSettings['encryption'] | string | undefined {
  const type = env[ENV.encryption];
  if (type === undefined) return undefined;
  if (type !== 'AES256' && type !== 'aws:kms') return `${ENV.encryption} must be AES256 or aws:kms`;
  const kmsKeyId = env[ENV.kmsKeyId];
  return { type, ...(kmsKeyId === undefined ? {} : { kmsKeyId }) };
}

// read once at start: the pod restarts with a new template, and a rotated CA reaches it with its next restart
function readCaBundle(path: string): string | Error {
  try {
    const pem = readFileSync(path, 'utf8');
    return pem.includes('-----BEGIN CERTIFICATE-----') ? pem : new Error('holds no PEM certificate');
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** shippingSettingsFromEnv: a string is the error to print (exit code 2), undefined means shipping is off. */
export function shippingSettingsFromEnv(env: Env): ShippingSettings | string | undefined {
  const bucket = env[ENV.bucket];
  if (!bucket) return undefined;
  const retention = retentionOf(env);
  const encryption = encryptionOf(env);
  if (typeof retention === 'string') return `backup-agent: ${retention}`;
  if (typeof encryption === 'string') return `backup-agent: ${encryption}`;
  const accessKeyId = env[ENV.accessKeyId];
  const secretAccessKey = env[ENV.secretAccessKey];
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    return `backup-agent: ${ENV.accessKeyId} and ${ENV.secretAccessKey} must be set together`;
  }
  const endpoint = env[ENV.endpoint];
  const caFile = env[ENV.caFile];
  const caBundle = caFile ? readCaBundle(caFile) : undefined;
  if (caBundle instanceof Error) return `backup-agent: ${ENV.caFile} ${caFile}: ${caBundle.message}`;
  const schedulerUrl = env[ENV.schedulerUrl];
  const store: ObjectStoreSettings = {
    bucket,
    prefix: env[ENV.prefix] ?? '',
    region: env[ENV.region] ?? 'us-east-1',
    forcePathStyle: env[ENV.forcePathStyle] === 'true',
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    ...(caBundle ? { caBundle } : {}),
    ...(encryption ? { encryption } : {}),
  };
  return {
    store,
    ...(retention ? { retention } : {}),
    cluster: env[ENV.clusterName] ?? '',
    auroraVersion: env[ENV.auroraVersion] ?? 'unknown',
    ...(schedulerUrl ? { schedulerUrl } : {}),
  };
}
