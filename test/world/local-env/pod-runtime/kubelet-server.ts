// The node's read-only kubelet API the apiserver proxies `kubectl logs` to: GET /containerLogs/<ns>/<pod>/<container>
// over HTTPS, answering only the apiserver's kubelet client certificate.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../../../src/log.ts';
import { APISERVER_KUBELET_CLIENT_CN, type KubeletCerts } from '../certs.ts';
import { listRuns, pickRun, planLogQuery, type ContainerLogSource } from './container-logs.ts';
import { errorMessage } from './kube.ts';
import { streamRunLog } from './log-stream.ts';

export interface KubeletServerOptions {
  host: string;
  certs: KubeletCerts;
  /** undefined when the pod is not on this node or has no such container */
  find(namespace: string, pod: string, container: string): ContainerLogSource | undefined;
  log: Logger;
  /** how often a followed log is checked for new output */
  followPollMs?: number;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  let closing = false;
  const server = https.createServer(
    {
      key: fs.readFileSync(opts.certs.servingKeyFile),
      cert: fs.readFileSync(opts.certs.servingCertFile),
      ca: fs.readFileSync(opts.certs.caFile),
      // the handshake asks for a certificate; the handler answers 401/403 so a refused caller learns why
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const ctx = { ...opts, closing: () => closing };
      handle(ctx, req, res).catch((err: unknown) => {
        opts.log.warn({ err: errorMessage(err), url: req.url }, 'Kubelet API request failed');
        if (!res.headersSent) answer(res, 500, errorMessage(err));
        else res.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port }, 'Serving the kubelet log API');
  return {
    port,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

type Ctx = KubeletServerOptions & { closing(): boolean };

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized)
    return answer(res, 401, 'a client certificate signed by the cluster CA is required');
  const cn = socket.getPeerCertificate().subject?.CN;
  if (cn !== APISERVER_KUBELET_CLIENT_CN)
    return answer(res, 403, `${String(cn)} may not read container logs`);
  const url = new URL(req.url ?? '/', 'https://node');
  const parts = url.pathname.split('/').map(decodeURIComponent);
  if (req.method !== 'GET' || parts.length !== 5 || parts[1] !== 'containerLogs')
    return answer(res, 404, `${req.method} ${url.pathname} is not served by the local pod runtime`);
  const [, , namespace = '', pod = '', container = ''] = parts;
  const query = planLogQuery(url.searchParams, Date.now());
  if (typeof query === 'string') return answer(res, 400, query);
  const source = ctx.find(namespace, pod, container);
  if (!source)
    return answer(res, 404, `container ${container} of pod ${namespace}/${pod} is not on this node`);
  const run = pickRun(await listRuns(source.containerDir), query.previous);
  if (run === undefined) {
    const which = query.previous ? 'previous terminated container' : 'container';
    return answer(res, 400, `${which} "${container}" in pod "${pod}" not found`);
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  if (query.follow) res.flushHeaders();
  let aborted = false;
  res.once('close', () => (aborted = true));
  await streamRunLog({
    file: path.join(source.containerDir, `${run}.log`),
    query,
    // a previous run has ended already: following it ends at its last byte, as the kubelet does
    ended: () => query.previous || source.runEnded(run),
    stop: () => aborted || ctx.closing(),
    pollMs: ctx.followPollMs ?? 200,
    write: async (chunk) => {
      if (!res.write(chunk)) await waitDrain(res);
    },
  });
  res.end();
}

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
