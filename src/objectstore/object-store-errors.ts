// Failures of the object store with a stable code each, classified as transient (retry the same request later) or
// terminal (someone must change the credentials, the bucket, the CA, the quota or the object first). The codes,
// their causes and remedies live in the catalogue of src/api/errors.ts, which docs/errors.md is rendered from.
import { OBJECT_STORE_CODES, type ObjectStoreCode } from '../api/errors.ts';

export type { ObjectStoreCode };

export class ObjectStoreError extends Error {
  readonly code: ObjectStoreCode;
  readonly transient: boolean;
  constructor(code: ObjectStoreCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ObjectStoreError';
    this.code = code;
    this.transient = OBJECT_STORE_CODES[code].retries;
  }
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'ThrottlingException',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const FORBIDDEN_CODES = new Set([
  'AccessDenied',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'ExpiredToken',
  'Forbidden',
]);
/** the store computed another SHA-256 than the x-amz-checksum-sha256 the upload announced */
const DIGEST_CODES = new Set(['BadDigest', 'XAmzContentChecksumMismatch', 'XAmzContentSHA256Mismatch']);
const FULL_CODES = new Set(['QuotaExceeded', 'StorageFull', 'InsufficientStorage', 'EntityTooLarge']);

/** errorCodes collects the names and codes of an error, its causes and an AggregateError's members. */
function errorCodes(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 4) return [];
  const e = err as ErrorShape;
  const own = [e.name, e.code, e.Code].filter((v): v is string => typeof v === 'string');
  const members = Array.isArray(e.errors) ? e.errors.flatMap((m) => errorCodes(m, depth + 1)) : [];
  return [...own, ...members, ...errorCodes(e.cause, depth + 1)];
}

function statusOf(err: unknown): number | undefined {
  const status = (err as ErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** codeOf maps an SDK, socket or TLS error to its object-store code; the first matching rule wins. */
export function codeOf(err: unknown): ObjectStoreCode {
  if (err instanceof ObjectStoreError) return err.code;
  const codes = errorCodes(err);
  const status = statusOf(err);
  const has = (set: ReadonlySet<string>): boolean => codes.some((c) => set.has(c));
  if (has(TLS_CODES)) return 'OBJECT_STORE_TLS';
  if (codes.includes('ENOSPC')) return 'OBJECT_TARGET_FULL';
  if (has(NETWORK_CODES)) return 'OBJECT_STORE_UNREACHABLE';
  // named S3 codes before bare statuses: some stores answer a quota refusal with 403
  if (has(FULL_CODES) || status === 507) return 'OBJECT_STORE_FULL';
  if (has(DIGEST_CODES)) return 'OBJECT_SOURCE_CHANGED';
  if (codes.includes('NoSuchBucket')) return 'OBJECT_STORE_NO_SUCH_BUCKET';
  if (codes.includes('PreconditionFailed') || status === 412) return 'OBJECT_ALREADY_EXISTS';
  if (has(FORBIDDEN_CODES) || status === 403 || status === 401) return 'OBJECT_STORE_FORBIDDEN';
  if (codes.includes('NoSuchKey') || codes.includes('NotFound') || status === 404) return 'OBJECT_NOT_FOUND';
  if (status !== undefined && (status >= 500 || status === 429)) return 'OBJECT_STORE_UNREACHABLE';
  return 'OBJECT_STORE_ERROR';
}

/** toObjectStoreError wraps any failure of a store call in an ObjectStoreError that names what was being done. */
export function toObjectStoreError(err: unknown, doing: string): ObjectStoreError {
  if (err instanceof ObjectStoreError) return err;
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ObjectStoreError(codeOf(err), `${doing}: ${detail}`, { cause: err });
}
