// The operator's Thrift (TJSON over HTTP) client for one Aurora scheduler's AuroraAdmin API.
import { request } from 'undici';
import { ResponseSpec } from '../thrift/api-schema.ts';
import {
  BYPASS_LEADER_REDIRECT_HEADER_NAME,
  ResponseCode,
  type JobConfiguration,
  type JobKey,
  type Resource,
  type Response,
  type ScheduledTask,
  type TaskQuery,
} from '../thrift/api-types.ts';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  resultSpec,
  TApplicationExceptionSpec,
} from '../thrift/message.ts';
import type { StructValue } from '../thrift/schema.ts';
import { argsSpecOf } from '../thrift/service-schema.ts';
import { AuroraApplicationError, AuroraHttpError, AuroraRpcError } from './admin-errors.ts';

export { AuroraApplicationError, AuroraHttpError, AuroraRpcError };

export interface AuroraAdminClientOptions {
  /** e.g. `http://127.0.0.5:8081` (no trailing `/api`). */
  baseUrl: string;
  timeoutMs: number;
  /** Sends `Bypass-Leader-Redirect: true`, needed to talk to a leader awaiting registration. */
  bypassLeaderRedirect?: boolean;
}

export interface AuroraAdminClient {
  performBackup(): Promise<void>;
  listBackups(): Promise<string[]>;
  stageRecovery(backupId: string): Promise<void>;
  queryRecovery(query: TaskQuery): Promise<ScheduledTask[]>;
  deleteRecoveryTasks(query: TaskQuery): Promise<void>;
  commitRecovery(): Promise<void>;
  unloadRecovery(): Promise<void>;
  snapshot(): Promise<void>;
  createJob(job: JobConfiguration): Promise<void>;
  killTasks(jobKey: JobKey, instances?: readonly number[]): Promise<void>;
  getTasksWithoutConfigs(query: TaskQuery): Promise<ScheduledTask[]>;
  /** Tasks with their whole TaskConfig (executor data included); page with query.offset and query.limit. */
  getTasksStatus(query: TaskQuery): Promise<ScheduledTask[]>;
  /** Any method in service-schema.ts; resolves to the OK Response. */
  call(method: string, args: StructValue): Promise<Response>;
}

export function createAuroraAdminClient(opts: AuroraAdminClientOptions): AuroraAdminClient {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api`;
  let seqid = 0;

  async function call(method: string, args: StructValue): Promise<Response> {
    const spec = argsSpecOf(method);
    if (!spec) throw new Error(`unknown Aurora method ${method}`);
    const body = encodeMessage('json', {
      name: method,
      type: MessageType.CALL,
      seqid: seqid++,
      spec,
      body: args,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/vnd.apache.thrift.json',
      accept: 'application/vnd.apache.thrift.json',
    };
    if (opts.bypassLeaderRedirect) headers[BYPASS_LEADER_REDIRECT_HEADER_NAME] = 'true';
    let res;
    try {
      res = await request(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { code?: string };
      const what = e.name === 'TimeoutError' ? `timed out after ${opts.timeoutMs}ms` : e.message;
      const transport = e.name === 'TimeoutError' ? 'TimeoutError' : (e.code ?? e.name);
      throw new AuroraHttpError(method, `POST ${url} failed: ${what}`, undefined, undefined, transport);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      const location = headerValue(res.headers['location']);
      throw new AuroraHttpError(
        method,
        describeStatus(res.statusCode, location, text),
        res.statusCode,
        location,
      );
    }
    return decodeReply(method, text);
  }

  const ok = async (method: string, args: StructValue = {}): Promise<Response> => call(method, args);
  const nothing = async (method: string, args: StructValue = {}): Promise<void> => {
    await call(method, args);
  };

  return {
    call,
    performBackup: () => nothing('performBackup'),
    listBackups: async () => (await ok('listBackups')).result?.listBackupsResult?.backups ?? [],
    stageRecovery: (backupId) => nothing('stageRecovery', { backupId }),
    queryRecovery: async (query) =>
      (await ok('queryRecovery', { query: { ...query } })).result?.queryRecoveryResult?.tasks ?? [],
    deleteRecoveryTasks: (query) => nothing('deleteRecoveryTasks', { query: { ...query } }),
    commitRecovery: () => nothing('commitRecovery'),
    unloadRecovery: () => nothing('unloadRecovery'),
    snapshot: () => nothing('snapshot'),
    createJob: (job) => nothing('createJob', { description: { ...job } }),
    killTasks: (job, instances) =>
      nothing('killTasks', instances ? { job: { ...job }, instances: [...instances] } : { job: { ...job } }),
    getTasksWithoutConfigs: async (query) =>
      (await ok('getTasksWithoutConfigs', { query: { ...query } })).result?.scheduleStatusResult?.tasks ?? [],
    getTasksStatus: async (query) =>
      (await ok('getTasksStatus', { query: { ...query } })).result?.scheduleStatusResult?.tasks ?? [],
  };
}

/**
 * getJobs reads every job's configuration (api.thrift getJobs; no role = all roles): cron templates as stored,
 * other jobs synthesized from their active tasks. A function over `call` rather than a client method, so the
 * clients tests fake need not change; errors are the client's own (AuroraRpcError, AuroraHttpError, ...).
 */
export async function getJobs(
  admin: Pick<AuroraAdminClient, 'call'>,
  role?: string,
): Promise<JobConfiguration[]> {
  const response = await admin.call('getJobs', role === undefined ? {} : { ownerRole: role });
  return response.result?.getJobsResult?.configs ?? [];
}

/** getQuota reads a role's quota (api.thrift getQuota); a role without one reads as zero cpus, ram and disk. */
export async function getQuota(admin: Pick<AuroraAdminClient, 'call'>, role: string): Promise<Resource[]> {
  const response = await admin.call('getQuota', { ownerRole: role });
  return response.result?.getQuotaResult?.quota?.resources ?? [];
}

/** A short, tag-free reason; a 500 is the scheduler's servlet failing on the request, not an Aurora Response. */
export function describeStatus(status: number, location: string | undefined, body: string): string {
  const where = location ? ` to ${location}` : '';
  const detail = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  const what =
    status === 500
      ? ' (the scheduler failed while processing the Thrift request, e.g. a body it could not read; no Thrift reply)'
      : '';
  return `HTTP ${status}${where}${what}${detail ? `: ${detail}` : ''}`;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function decodeReply(method: string, text: string): Response {
  let msg;
  try {
    msg = decodeMessage('json', Buffer.from(text));
  } catch (err) {
    throw new AuroraHttpError(method, `undecodable reply: ${(err as Error).message}`, 200);
  }
  if (msg.type === MessageType.EXCEPTION) {
    const ex = msg.body(TApplicationExceptionSpec);
    throw new AuroraApplicationError(
      method,
      String(ex['message'] ?? 'TApplicationException'),
      Number(ex['type']),
    );
  }
  const response = msg.body(resultSpec(method, ResponseSpec))['success'] as Response | undefined;
  if (!response) throw new AuroraHttpError(method, 'reply carries no Response', 200);
  if (response.responseCode !== ResponseCode.OK) {
    const messages = (response.details ?? []).map((d) => d.message);
    throw new AuroraRpcError(method, response.responseCode, messages);
  }
  return response;
}
