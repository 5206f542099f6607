// The operator's client of the backup agents: every call is authenticated and bounded by a timeout.
import { Agent, request } from 'undici';
import {
  BackupCheck,
  BackupList,
  FetchedBackup,
  type BackupLinkRequest,
  MarkerList,
  MTIME_HEADER,
  ShippingStatus,
  type BackupFile,
} from './agent-api.ts';
import { succeededMarkerName } from '../api/contracts.ts';
import { ERROR_CATALOGUE, type AgentErrorCode } from '../api/errors.ts';
import { BackupSummary } from '../aurora/backup-summary.ts';
import { AgentBackupError, AgentError } from './agent-errors.ts';

export interface AgentEndpoint {
  host: string;
  port: number;
}

export interface AgentClient {
  listBackups(at: AgentEndpoint): Promise<BackupFile[]>;
  listMarkers(at: AgentEndpoint): Promise<string[]>;
  /** Has the agent decode a backup where it lies: whether Aurora could load it, and how many tasks it holds. */
  checkBackup(at: AgentEndpoint, name: string): Promise<BackupCheck>;
  /**
   * Has the agent summarize a backup where it lies: its timestamp, tasks, cron jobs and quotas. Throws an
   * AgentBackupError: AGENT_BACKUP_UNREADABLE (terminal) for a file that does not decode, AGENT_BACKUP_NOT_FOUND.
   */
  summarizeBackup(at: AgentEndpoint, name: string): Promise<BackupSummary>;
  /** Records on the replica's volume that the restore succeeded, which lets its moved-aside log expire. */
  markSucceeded(at: AgentEndpoint, restoreId: string): Promise<void>;
  /** Streams a backup from one agent straight into another; resolves to the bytes copied. */
  copyBackup(from: AgentEndpoint, to: AgentEndpoint, name: string): Promise<number>;
  /**
   * Has the agent download a backup (or `latest`) from the cluster's object store into its volume, SHA-256 checked;
   * throws an AgentError with an AGENT_STORE_* code (terminal ones are not retried). Optional so fakes may omit it.
   * prefix: another prefix of the agent's store (a bootstrap reads the old cluster's); absent: its own.
   */
  fetchFromStore?(at: AgentEndpoint, nameOrLatest: string, prefix?: string): Promise<FetchedBackup>;
  /** Has the agent download one object of another store through a presigned link; errors as fetchFromStore. */
  fetchLink?(at: AgentEndpoint, name: string, link: BackupLinkRequest): Promise<FetchedBackup>;
  /** What the agent's shipper did; undefined when the agent ships nothing. Optional so test fakes may omit it. */
  shippingStatus?(at: AgentEndpoint): Promise<ShippingStatus | undefined>;
}

export interface AgentClientOptions {
  token: string;
  /** whether the token may go to this host: only the IPs of the cluster's own pods (agent-targets.ts) */
  trusted: (host: string) => boolean;
  timeoutMs: number;
  copyTimeoutMs: number;
}

const dispatcher = new Agent({ keepAliveTimeout: 1000, connect: { timeout: 2000 } });

function base(at: AgentEndpoint): string {
  return `http://${at.host}:${at.port}`;
}

/** fetchErrorCode: the agent's code from an error body, AGENT_HTTP_STATUS (retried) for anything else. */
function fetchErrorCode(body: string): AgentErrorCode {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('AGENT_') && code in ERROR_CATALOGUE)
      return code as AgentErrorCode;
  } catch {
    // not JSON: a proxy or an older agent answered
  }
  return 'AGENT_HTTP_STATUS';
}

export function createAgentClient(opts: AgentClientOptions): AgentClient {
  const headers = { authorization: `Bearer ${opts.token}` };
  // every call names its endpoints first, so the check runs before any byte (or the token) leaves
  const checked = (...ends: AgentEndpoint[]): void => {
    for (const at of ends) {
      if (!opts.trusted(at.host))
        throw new AgentError(
          'AGENT_UNTRUSTED_TARGET',
          `${at.host} is not the IP of a pod owned by the cluster's StatefulSet; the agent token is not sent there`,
        );
    }
  };
  /** call sends one bounded request and reads its whole (small, JSON) answer */
  async function call(
    method: 'GET' | 'PUT' | 'POST',
    url: string,
    timeoutMs: number,
    json?: unknown,
  ): Promise<{ status: number; text: string }> {
    const res = await request(url, {
      dispatcher,
      method,
      headers: json === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }
  async function getJson(url: string, timeoutMs = opts.timeoutMs): Promise<unknown> {
    const { status, text } = await call('GET', url, timeoutMs);
    if (status !== 200)
      throw new AgentError('AGENT_HTTP_STATUS', `GET ${url}: HTTP ${status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }
  return {
    async listBackups(at) {
      checked(at);
      return BackupList.parse(await getJson(`${base(at)}/backups`)).backups;
    },
    async listMarkers(at) {
      checked(at);
      return MarkerList.parse(await getJson(`${base(at)}/markers`)).markers;
    },
    async checkBackup(at, name) {
      checked(at);
      // decoding reads the whole file: bounded like a copy, not like a listing
      const url = `${base(at)}/backups/${encodeURIComponent(name)}/check`;
      return BackupCheck.parse(await getJson(url, opts.copyTimeoutMs));
    },
    async summarizeBackup(at, name) {
      checked(at);
      const url = `${base(at)}/backups/${encodeURIComponent(name)}/summary`;
      const { status, text } = await call('GET', url, opts.copyTimeoutMs);
      if (status === 200) return BackupSummary.parse(JSON.parse(text));
      if (status === 404)
        throw new AgentBackupError('AGENT_BACKUP_NOT_FOUND', `GET ${url}: ${text.slice(0, 200)}`);
      if (status === 422) {
        const problem = (JSON.parse(text) as { problem?: string }).problem ?? text.slice(0, 300);
        throw new AgentBackupError('AGENT_BACKUP_UNREADABLE', `backup ${name} on ${at.host}: ${problem}`);
      }
      throw new AgentError('AGENT_HTTP_STATUS', `GET ${url}: HTTP ${status}: ${text.slice(0, 200)}`);
    },
    async fetchFromStore(at, nameOrLatest, prefix) {
      checked(at);
      const query = prefix === undefined ? '' : `?prefix=${encodeURIComponent(prefix)}`;
      const url = `${base(at)}/backups/${encodeURIComponent(nameOrLatest)}/fetch${query}`;
      const { status, text } = await call('POST', url, opts.copyTimeoutMs);
      if (status === 200) return FetchedBackup.parse(JSON.parse(text));
      throw new AgentError(fetchErrorCode(text), `POST ${url}: HTTP ${status}: ${text.slice(0, 400)}`);
    },
    async fetchLink(at, name, link) {
      checked(at);
      const url = `${base(at)}/backups/${encodeURIComponent(name)}/fetch-link`;
      const { status, text } = await call('POST', url, opts.copyTimeoutMs, link);
      if (status === 200) return FetchedBackup.parse(JSON.parse(text));
      // the link is a bearer credential for the object: the error names the path, never the signed query
      throw new AgentError(fetchErrorCode(text), `POST ${url}: HTTP ${status}: ${text.slice(0, 400)}`);
    },
    async shippingStatus(at) {
      checked(at);
      const url = `${base(at)}/shipping`;
      const { status, text } = await call('GET', url, opts.timeoutMs);
      if (status === 404) return undefined;
      if (status !== 200)
        throw new AgentError('AGENT_HTTP_STATUS', `GET ${url}: HTTP ${status}: ${text.slice(0, 200)}`);
      return ShippingStatus.parse(JSON.parse(text));
    },
    async markSucceeded(at, restoreId) {
      checked(at);
      const url = `${base(at)}/markers/${encodeURIComponent(succeededMarkerName(restoreId))}`;
      const { status, text } = await call('PUT', url, opts.timeoutMs);
      if (status !== 200 && status !== 201)
        throw new AgentError('AGENT_HTTP_STATUS', `PUT ${url}: HTTP ${status}: ${text.slice(0, 200)}`);
    },
    async copyBackup(from, to, name) {
      checked(from, to);
      const signal = AbortSignal.timeout(opts.copyTimeoutMs);
      const path = `/backups/${encodeURIComponent(name)}`;
      const src = await request(`${base(from)}${path}`, { dispatcher, headers, signal });
      if (src.statusCode !== 200) {
        const text = await src.body.text();
        throw new AgentError(
          'AGENT_HTTP_STATUS',
          `GET ${base(from)}${path}: HTTP ${src.statusCode}: ${text.slice(0, 200)}`,
        );
      }
      const length = src.headers['content-length'];
      const mtime = src.headers[MTIME_HEADER];
      const dst = await request(`${base(to)}${path}`, {
        dispatcher,
        method: 'PUT',
        headers: {
          ...headers,
          ...(typeof length === 'string' ? { 'content-length': length } : {}),
          ...(typeof mtime === 'string' ? { [MTIME_HEADER]: mtime } : {}),
        },
        body: src.body,
        signal,
      });
      const text = await dst.body.text();
      if (dst.statusCode === 507) {
        throw new AgentError('AGENT_VOLUME_FULL', `PUT ${base(to)}${path}: ${text.slice(0, 300)}`);
      }
      if (dst.statusCode !== 201) {
        throw new AgentError(
          'AGENT_HTTP_STATUS',
          `PUT ${base(to)}${path}: HTTP ${dst.statusCode}: ${text.slice(0, 200)}`,
        );
      }
      return (JSON.parse(text) as { size: number }).size;
    },
  };
}
