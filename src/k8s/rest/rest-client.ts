// A minimal Kubernetes REST client on node:http(s): JSON in and out, the API server's content types for patches,
// non-2xx answers as KubeApiError, and raw streaming GETs for watches.
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError } from './api-error.ts';
import type { KubeConfig } from './kube-config.ts';
import { planRetry, type Attempts } from './request-retry.ts';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export const CONTENT_TYPE = {
  json: 'application/json',
  mergePatch: 'application/merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query | undefined;
  /** sent as JSON (valid YAML too, so also for server-side apply) */
  body?: unknown;
  contentType?: string;
  /** ends the request early, e.g. when its informer stops */
  signal?: AbortSignal | undefined;
}

export interface RestClient {
  /** the configuration's default namespace */
  readonly namespace: string;
  /** request resolves to the parsed JSON answer (undefined when empty) or rejects with KubeApiError on non-2xx */
  request<T = unknown>(opts: RequestOptions): Promise<T>;
  /** openStream starts a GET and resolves to the response as soon as its headers arrive, whatever its status */
  openStream(path: string, query: Query, signal: AbortSignal): Promise<IncomingMessage>;
}

export interface RestClientOptions {
  /** an answer slower than this fails; the API server itself ends any non-watch request after 60 s */
  timeoutMs?: number;
}

/** readText collects a response body as UTF-8. */
export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** what goes with a request besides its method and URL */
interface Outgoing {
  contentType?: string | undefined;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

export function createRestClient(config: KubeConfig, opts: RestClientOptions = {}): RestClient {
  const timeoutMs = opts.timeoutMs ?? 70_000;
  const base = new URL(config.server);
  const secure = base.protocol === 'https:';
  // one keep-alive pool: watches hold their sockets, short requests reuse the rest
  const agent =
    config.agent ??
    (secure
      ? new HttpsAgent({
          keepAlive: true,
          ca: config.ca,
          cert: config.cert,
          key: config.key,
          rejectUnauthorized: !config.insecureSkipTlsVerify,
          ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
        })
      : new HttpAgent({ keepAlive: true }));
  const send = secure ? httpsRequest : httpRequest;
  const prefix = base.pathname.replace(/\/+$/, '');

  const urlOf = (path: string, query: Query = {}): URL => {
    const url = new URL(`${base.origin}${prefix}${path}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  };
  const headersOf = async (
    contentType: string | undefined,
    body: string | undefined,
  ): Promise<Record<string, string>> => {
    const auth = await config.authorization();
    return {
      ...config.headers,
      accept: CONTENT_TYPE.json,
      // an explicit length: node would send a DELETE's body without one
      ...(contentType && body !== undefined
        ? { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }
        : {}),
      ...(auth ? { authorization: auth } : {}),
    };
  };
  const sendOnce = async (method: string, url: URL, out: Outgoing): Promise<IncomingMessage> => {
    const headers = await headersOf(out.contentType, out.body);
    const { signal } = out;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, agent, headers, ...(signal ? { signal } : {}) }, resolve);
      req.on('error', reject);
      req.end(out.body);
    });
  };
  // a refused credential (an exec plugin's expired or revoked token) is fetched afresh once; a second 401 stands
  const open = async (method: string, url: URL, out: Outgoing = {}): Promise<IncomingMessage> => {
    const res = await sendOnce(method, url, out);
    if (res.statusCode !== 401 || !config.refreshAuthorization) return res;
    res.resume();
    config.refreshAuthorization();
    return sendOnce(method, url, out);
  };

  return {
    namespace: config.namespace,
    async request<T>(o: RequestOptions): Promise<T> {
      const method = o.method ?? 'GET';
      const hasBody = o.body !== undefined;
      const body = hasBody ? JSON.stringify(o.body) : undefined;
      const contentType = hasBody ? (o.contentType ?? CONTENT_TYPE.json) : undefined;
      const attempts: Attempts = { resets: 0, throttles: 0 };
      for (;;) {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
        let res: IncomingMessage;
        let text: string;
        try {
          res = await open(method, urlOf(o.path, o.query), { contentType, body, signal });
          text = await readText(res);
        } catch (error) {
          if (planRetry(method, { error }, attempts) === undefined || o.signal?.aborted) throw error;
          attempts.resets++;
          continue;
        }
        const status = res.statusCode ?? 0;
        const wait = planRetry(method, { status, headers: res.headers }, attempts);
        if (wait !== undefined) {
          attempts.throttles++;
          await sleep(wait, undefined, o.signal ? { signal: o.signal } : {});
          continue;
        }
        if (status < 200 || status > 299)
          throw new KubeApiError(
            status,
            res.statusMessage || STATUS_CODES[status] || 'Error',
            text,
            res.headers,
          );
        if (text === '') return undefined as T;
        return (/json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text) as T;
      }
    },
    openStream: (path, query, signal) => open('GET', urlOf(path, query), { signal }),
  };
}
