// The agent's download of one object of another store through a presigned URL: streamed to a temporary name,
// SHA-256 and size checked against what the operator read from the store, renamed into place.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { storeVerified } from '../objectstore/download-backup.ts';
import { ObjectStoreError, toObjectStoreError } from '../objectstore/object-store-errors.ts';
import type { BackupLinkRequest, FetchedBackup } from './agent-api.ts';
import { compareWithLocal } from './fetch-backup.ts';

/** A download may take long, but a store that stops sending for this long is given up on (and retried later). */
const LINK_IDLE_MS = 60_000;

/** statusError: the store's answer to a GET of the link, with the code a store call would get. */
function statusError(status: number, name: string, body: string): ObjectStoreError {
  const why = `GET of ${name} through its link: HTTP ${status}: ${body.slice(0, 300)}`;
  if (status === 403 || status === 401) return new ObjectStoreError('OBJECT_STORE_FORBIDDEN', why);
  if (status === 404) return new ObjectStoreError('OBJECT_NOT_FOUND', why);
  if (status >= 500 || status === 429) return new ObjectStoreError('OBJECT_STORE_UNREACHABLE', why);
  return new ObjectStoreError('OBJECT_STORE_ERROR', why);
}

/** parseLinkRequest: the request's shape, or why it is not a link request. */
export function parseLinkRequest(body: unknown): BackupLinkRequest | string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { url, sha256, size, caBundle } = b;
  if (typeof url !== 'string' || url.length > 16384 || !/^https?:\/\//.test(url))
    return 'url must be an http(s) URL';
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return 'sha256 must be 64 hex digits';
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return 'size must be a whole number';
  if (caBundle !== undefined && (typeof caBundle !== 'string' || caBundle.length > 262144))
    return 'caBundle must be a PEM string of at most 256 KiB';
  return { url, sha256, size, ...(caBundle === undefined ? {} : { caBundle }) };
}

/** fetchLinkedBackup: a file already there with the same bytes is a no-op, so a retry after a crash is safe. */
export async function fetchLinkedBackup(
  backupDir: string,
  name: string,
  link: BackupLinkRequest,
): Promise<FetchedBackup | { conflict: string }> {
  const target = join(backupDir, name);
  if (await stat(target).catch(() => undefined)) return compareWithLocal(target, name, link);
  const dispatcher = link.caBundle === undefined ? undefined : new Agent({ connect: { ca: link.caBundle } });
  try {
    const res = await request(link.url, {
      ...(dispatcher ? { dispatcher } : {}),
      headersTimeout: LINK_IDLE_MS,
      bodyTimeout: LINK_IDLE_MS,
    }).catch((err: unknown) => {
      throw toObjectStoreError(err, `GET of ${name} through its link`);
    });
    if (res.statusCode !== 200) throw statusError(res.statusCode, name, await res.body.text());
    await storeVerified(res.body as unknown as Readable, target, link, name).catch((err: unknown) => {
      throw toObjectStoreError(err, `download ${name} through its link to ${target}`);
    });
    return { name, size: link.size, sha256: link.sha256, fetched: true };
  } finally {
    await dispatcher?.close();
  }
}
