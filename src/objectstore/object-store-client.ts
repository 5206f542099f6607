// The S3 client for a backup object store: AWS or any S3-compatible endpoint, explicit keys or the SDK's default
// credential chain (IRSA, web identity, instance roles), and an optional private CA.
import { S3Client } from '@aws-sdk/client-s3';

export interface ObjectStoreSettings {
  /** S3-compatible endpoint URL; absent: AWS S3 for the region */
  endpoint?: string;
  bucket: string;
  /** key prefix of this cluster's backups, e.g. `<namespace>/<cluster>/` */
  prefix: string;
  region: string;
  forcePathStyle: boolean;
  /** absent: the SDK's default chain */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** PEM bundle of the CA that signs the endpoint's certificate */
  caBundle?: string;
  encryption?: { type: 'AES256' | 'aws:kms'; kmsKeyId?: string };
}

export interface ObjectStoreClientOptions {
  /** attempts per request including the first; the SDK backs off between them */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  /** a request (headers and body) that takes longer fails with TimeoutError */
  requestTimeoutMs?: number;
}

const quiet = (): void => {};
const SILENT = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

export function createObjectStoreClient(
  settings: ObjectStoreSettings,
  options: ObjectStoreClientOptions = {},
): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    // S3-compatible stores reject or mishandle the CRC32 trailers the SDK sends by default since 3.729
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 3,
    // lets a store refuse a PUT (exists, forbidden) before its body is sent; a store that resets the connection
    // anyway (versitygw does) is settled by confirm-upload.ts
    expectContinueHeader: true,
    // the SDK warns on the console when a streamed body cannot be retried; the caller reports the failure itself
    logger: SILENT,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      throwOnRequestTimeout: true,
      ...(settings.caBundle === undefined ? {} : { httpsAgent: { ca: settings.caBundle, keepAlive: true } }),
    },
  });
}

/** objectKey is where the backup of that name lives: the prefix joined with the name by exactly one slash. */
export function objectKey(settings: Pick<ObjectStoreSettings, 'prefix'>, name: string): string {
  return `${normalizedPrefix(settings.prefix)}${name}`;
}

export function normalizedPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
