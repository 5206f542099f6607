// The backup agent's HTTP server: lists, streams and receives scheduler backup files and reports restore markers.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { succeededMarkerName } from '../api/contracts.ts';
import type { Logger } from '../log.ts';
import type { BackupFile, ShippingStatus } from './agent-api.ts';
import { AgentError } from './agent-errors.ts';
import { BACKUP_FILE_PREFIX, BACKUP_NAME_PATTERN, isRestoreId, MTIME_HEADER } from './agent-names.ts';
import { checkBackupFile } from './backup-check.ts';
import type { BackupFetcher } from './fetch-backup.ts';
import { createSlots, send, type Slots } from './agent-http.ts';
import { handleFetch, handleFetchLink } from './fetch-endpoint.ts';
import { summarizeBackupFile } from './backup-summary-file.ts';

export interface AgentServerOptions {
  /** the scheduler's -backup_dir: only backup files */
  backupDir: string;
  /** the operator's state beside it: restore markers, moved-aside logs, uploads in progress */
  operatorDir: string;
  token: string;
  log: Logger;
  /** largest backup an upload may carry; larger ones get 413 before or while they stream */
  maxUploadBytes?: number;
  /** backup downloads and uploads served at once; more get 429, the caller retries */
  maxTransfers?: number;
  /** what the shipper did; absent when the cluster has no object store */
  shipping?: () => ShippingStatus | undefined;
  /** downloads a backup from the cluster's object store; absent when the cluster has no object store */
  fetcher?: () => BackupFetcher | undefined;
}

// a scheduler snapshot of a large cluster is a few GiB; the limit only stops a runaway or hostile upload
export const DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 ** 3;
// a restore copies one backup at a time, so two leaves room for a retry overlapping a stalled copy
export const DEFAULT_MAX_TRANSFERS = 2;

/** Raised while streaming an upload past maxUploadBytes, so the handler answers 413 and drops the temp file. */
class UploadTooLarge extends Error {}

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export async function listBackupFiles(dir: string): Promise<BackupFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: BackupFile[] = [];
  for (const name of names.filter((n) => n.startsWith(BACKUP_FILE_PREFIX)).sort()) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) files.push({ name, size: st.size, mtime: st.mtime.toISOString() });
  }
  return files;
}

async function listMarkers(operatorDir: string): Promise<string[]> {
  const names = await readdir(operatorDir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.done') || n.endsWith('.succeeded')).sort();
}

/** markRestoreId: the restore id of a `<id>.succeeded` marker name, the only marker the operator may write. */
function markRestoreId(name: string): string | undefined {
  const id = name.endsWith('.succeeded') ? name.slice(0, -'.succeeded'.length) : undefined;
  return id !== undefined && isRestoreId(id) && succeededMarkerName(id) === name ? id : undefined;
}

/** writeMarker is idempotent and keeps the first write time, from which the retention of the restore's log counts. */
async function writeMarker(operatorDir: string, name: string): Promise<boolean> {
  await mkdir(operatorDir, { recursive: true });
  try {
    await writeFile(join(operatorDir, name), '', { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** limitBytes passes chunks through until more than max bytes have gone by, then fails the pipeline. */
function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > max ? new UploadTooLarge(`upload exceeds the limit of ${max} bytes`) : null, chunk);
    },
  });
}

/** uploadRefusal: the answers an upload failure deserves besides 500; the partial file is already removed. */
export function uploadRefusal(err: unknown): { status: number; error: string } | undefined {
  if (err instanceof UploadTooLarge) return { status: 413, error: err.message };
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') {
    return {
      status: 507,
      error: `no space left on this replica's backups volume: ${(err as Error).message}`,
    };
  }
  return undefined;
}

async function receive(opts: AgentServerOptions, name: string, req: IncomingMessage): Promise<number> {
  const incoming = join(opts.operatorDir, 'incoming');
  await mkdir(incoming, { recursive: true });
  // a temp file on the same volume, renamed at the end, so Aurora never sees a half-written backup
  const temp = join(incoming, `${name}.${randomBytes(4).toString('hex')}`);
  try {
    await pipeline(req, limitBytes(opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES), createWriteStream(temp));
    const expected = req.headers['content-length'];
    const size = (await stat(temp)).size;
    if (expected !== undefined && Number(expected) !== size) {
      throw new AgentError('AGENT_UPLOAD_INCOMPLETE', `received ${size} bytes, expected ${expected}`);
    }
    const target = join(opts.backupDir, name);
    await rename(temp, target);
    // a copy keeps the original's write time, which tells copies of one minute-based name apart
    const mtime = new Date(String(req.headers[MTIME_HEADER] ?? ''));
    if (!Number.isNaN(mtime.getTime())) await utimes(target, mtime, mtime);
    return size;
  } finally {
    await rm(temp, { force: true });
  }
}

async function handle(
  opts: AgentServerOptions,
  slots: Slots,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
  if (!authorized(req, opts.token)) return send(res, 401, { error: 'missing or wrong bearer token' });
  if (req.method === 'GET' && url.pathname === '/backups') {
    return send(res, 200, { backups: await listBackupFiles(opts.backupDir) });
  }
  if (req.method === 'GET' && url.pathname === '/shipping') {
    const shipping = opts.shipping?.();
    if (!shipping)
      return send(res, 404, { error: 'this agent ships no backups (no spec.backup.objectStore)' });
    return send(res, 200, shipping);
  }
  if (req.method === 'GET' && url.pathname === '/markers') {
    return send(res, 200, { markers: await listMarkers(opts.operatorDir) });
  }
  const marker = /^\/markers\/([^/]+)$/.exec(url.pathname)?.[1];
  if (marker !== undefined) return handleMarker(opts, req, res, decodeURIComponent(marker));
  const decoded = /^\/backups\/([^/]+)\/(check|summary)$/.exec(url.pathname);
  if (decoded?.[1] !== undefined) {
    const what = decoded[2] === 'summary' ? 'summary' : 'check';
    return handleDecode(opts, req, res, decodeURIComponent(decoded[1]), what);
  }
  const fetch = /^\/backups\/([^/]+)\/fetch$/.exec(url.pathname)?.[1];
  if (fetch !== undefined)
    return handleFetch(opts, slots, req, res, {
      name: decodeURIComponent(fetch),
      prefix: url.searchParams.get('prefix'),
    });
  const linked = /^\/backups\/([^/]+)\/fetch-link$/.exec(url.pathname)?.[1];
  if (linked !== undefined) return handleFetchLink(opts, slots, req, res, decodeURIComponent(linked));
  const match = /^\/backups\/([^/]+)$/.exec(url.pathname);
  const name = match?.[1] ? decodeURIComponent(match[1]) : undefined;
  if (!name) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  if (!BACKUP_NAME_PATTERN.test(name)) return send(res, 400, { error: `invalid backup name ${name}` });
  if (req.method !== 'GET' && req.method !== 'PUT')
    return send(res, 405, { error: `method ${req.method} not allowed` });
  const max = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.method === 'PUT' && declared > max) {
    res.setHeader('connection', 'close');
    return send(res, 413, { error: `upload of ${declared} bytes exceeds the limit of ${max} bytes` });
  }
  if (!slots.take()) {
    res.setHeader('retry-after', '5');
    res.setHeader('connection', 'close');
    return send(res, 429, {
      error: `${slots.max} backup transfers are in progress, the most this agent serves at once; retry later`,
    });
  }
  res.once('close', slots.release);
  return transfer(opts, name, req, res);
}

async function transfer(
  opts: AgentServerOptions,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = join(opts.backupDir, name);
  if (req.method === 'GET') {
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) return send(res, 404, { error: `backup ${name} not found` });
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': st.size,
      [MTIME_HEADER]: st.mtime.toISOString(),
    });
    await pipeline(createReadStream(path), res);
    return;
  }
  try {
    const size = await receive(opts, name, req);
    opts.log.info({ backup: name, size }, 'Received a backup file');
    return send(res, 201, { name, size });
  } catch (err) {
    const refusal = uploadRefusal(err);
    if (!refusal) throw err;
    res.setHeader('connection', 'close');
    return send(res, refusal.status, { error: refusal.error });
  }
}

/** handleDecode answers a check or a summary of one backup file, decoded where it lies. */
async function handleDecode(
  opts: AgentServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  what: 'check' | 'summary',
): Promise<void> {
  if (req.method !== 'GET') return send(res, 405, { error: `method ${req.method} not allowed` });
  if (!BACKUP_NAME_PATTERN.test(name)) return send(res, 400, { error: `invalid backup name ${name}` });
  const path = join(opts.backupDir, name);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return send(res, 404, { error: `backup ${name} not found` });
  if (what === 'check') {
    const result = await checkBackupFile(name, path);
    opts.log.info({ backup: name, verdict: result.verdict, tasks: result.tasks }, 'Checked a backup file');
    return send(res, 200, result);
  }
  return answerSummary(opts, res, name, path);
}

/** answerSummary answers 422 with the problem for a file that is not a Snapshot Aurora could load. */
async function answerSummary(
  opts: AgentServerOptions,
  res: ServerResponse,
  name: string,
  path: string,
): Promise<void> {
  const result = await summarizeBackupFile(name, path);
  if ('problem' in result) {
    opts.log.info({ backup: name, problem: result.problem }, 'A backup file to summarize is unreadable');
    return send(res, 422, { problem: result.problem });
  }
  const { tasks, cronJobs, quotas } = result.summary;
  opts.log.info(
    { backup: name, tasks: tasks.length, cronJobs: cronJobs.length, quotas: quotas.length },
    'Summarized a backup file',
  );
  return send(res, 200, result.summary);
}

async function handleMarker(
  opts: AgentServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<void> {
  if (req.method !== 'PUT') return send(res, 405, { error: `method ${req.method} not allowed` });
  const restoreId = markRestoreId(name);
  if (!restoreId) return send(res, 400, { error: `invalid marker name ${name}: only <restoreId>.succeeded` });
  const created = await writeMarker(opts.operatorDir, name);
  if (created) opts.log.info({ restore: restoreId }, 'Marked a restore succeeded');
  return send(res, created ? 201 : 200, { name });
}

export function createAgentServer(opts: AgentServerOptions): Server {
  const slots = createSlots(opts.maxTransfers ?? DEFAULT_MAX_TRANSFERS);
  return createServer((req, res) => {
    handle(opts, slots, req, res).catch((err: unknown) => {
      opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Agent request failed');
      if (!res.headersSent) send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
}
