// POST /backups/<name>/fetch (from the cluster's own store) and /backups/<name>/fetch-link (from another store,
// through a presigned URL): a restore's download into the backup volume, answered with the agent's error codes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentErrorCode } from '../api/errors.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../objectstore/object-store-errors.ts';
import type { FetchedBackup } from './agent-api.ts';
import { send, type Slots } from './agent-http.ts';
import type { Logger } from '../log.ts';
import { BACKUP_NAME_PATTERN } from './agent-names.ts';
import type { BackupFetcher } from './fetch-backup.ts';

/** What the fetch endpoints need of the agent server's options. */
export interface FetchEndpointOptions {
  backupDir: string;
  log: Logger;
  fetcher?: () => BackupFetcher | undefined;
}

/** A link request is a URL, a digest and at most a CA bundle: anything larger is refused unread. */
const MAX_LINK_REQUEST_BYTES = 300 * 1024;

// the store's failures as the operator's client reads them: terminal ones fail the restore, the rest are retried
const FETCH_CODES: Partial<Record<ObjectStoreCode, AgentErrorCode>> = {
  OBJECT_SHA256_MISMATCH: 'AGENT_STORE_BACKUP_UNREADABLE',
  OBJECT_METADATA_MISSING: 'AGENT_STORE_BACKUP_UNREADABLE',
  OBJECT_NOT_FOUND: 'AGENT_STORE_NOT_FOUND',
  OBJECT_STORE_FORBIDDEN: 'AGENT_STORE_FORBIDDEN',
  OBJECT_STORE_NO_SUCH_BUCKET: 'AGENT_STORE_FORBIDDEN',
  OBJECT_STORE_TLS: 'AGENT_STORE_FORBIDDEN',
  OBJECT_TARGET_FULL: 'AGENT_VOLUME_FULL',
};

/** answerTransfer runs one download in a slot and answers its result or its store failure. */
async function answerTransfer(
  opts: FetchEndpointOptions,
  slots: Slots,
  res: ServerResponse,
  name: string,
  run: () => Promise<FetchedBackup | { conflict: string }>,
): Promise<void> {
  if (!slots.take()) {
    res.setHeader('retry-after', '5');
    return send(res, 429, { error: `${slots.max} backup transfers are in progress; retry later` });
  }
  try {
    const result = await run();
    if ('conflict' in result) return send(res, 409, { error: result.conflict, code: 'AGENT_FETCH_CONFLICT' });
    opts.log.info({ backup: result.name, size: result.size, fetched: result.fetched }, 'Fetched a backup');
    return send(res, 200, result);
  } catch (err) {
    if (!(err instanceof ObjectStoreError)) throw err;
    const code = FETCH_CODES[err.code] ?? 'AGENT_STORE_UNREACHABLE';
    opts.log.warn({ backup: name, code: err.code, err: err.message }, 'Fetching a backup failed');
    return send(res, code === 'AGENT_VOLUME_FULL' ? 507 : 502, { error: err.message, code });
  } finally {
    slots.release();
  }
}

/** handleFetch downloads a backup (or `latest`) from the store into the backup volume, once at a time per slot. */
export async function handleFetch(
  opts: FetchEndpointOptions,
  slots: Slots,
  req: IncomingMessage,
  res: ServerResponse,
  { name, prefix }: { name: string; prefix: string | null },
): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { error: `method ${req.method} not allowed` });
  if (name !== 'latest' && !BACKUP_NAME_PATTERN.test(name))
    return send(res, 400, { error: `invalid backup name ${name}` });
  // the schema's bound on a bootstrap source's prefix
  if (prefix !== null && (prefix === '' || prefix.length > 512))
    return send(res, 400, { error: 'prefix must be 1 to 512 characters' });
  const fetcher = opts.fetcher?.();
  if (!fetcher) {
    const error = 'this agent has no object store (no spec.backup.objectStore on the cluster)';
    return send(res, 404, { error, code: 'AGENT_STORE_NOT_CONFIGURED' });
  }
  return answerTransfer(opts, slots, res, name, () => fetcher(name, prefix ?? undefined));
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Error(`a link request is at most ${max} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** handleFetchLink needs no store of the agent's own: the operator read the other store and signed the URL. */
export async function handleFetchLink(
  opts: FetchEndpointOptions,
  slots: Slots,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { error: `method ${req.method} not allowed` });
  if (!BACKUP_NAME_PATTERN.test(name)) return send(res, 400, { error: `invalid backup name ${name}` });
  // loaded on the first link request: an agent that never gets one keeps the S3 SDK out of its memory
  const { fetchLinkedBackup, parseLinkRequest } = await import('./fetch-link.ts');
  const body = await readJson(req, MAX_LINK_REQUEST_BYTES).catch((err: unknown) => err as Error);
  const link = body instanceof Error ? body.message : parseLinkRequest(body);
  if (typeof link === 'string') {
    res.setHeader('connection', 'close');
    return send(res, 400, { error: `not a link request: ${link}` });
  }
  return answerTransfer(opts, slots, res, name, () => fetchLinkedBackup(opts.backupDir, name, link));
}
