// A TLS proxy on 127.0.0.1 in front of kube-apiserver that answers 503 to the LISTs (and watches) a test chooses,
// and records every request it saw, so a suite can show what a client did while its LISTs were refused.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import { join } from 'node:path';
import type { E2eEnv } from './harness.ts';

export interface SeenRequest {
  at: number;
  method: string;
  path: string;
  refused: boolean;
}

export interface ListRefusingProxy {
  port: number;
  /** every request so far, in arrival order */
  seen: SeenRequest[];
  /** which collection GETs get a 503 from now on, by their path; () => false lets all of them through */
  refuse(which: (collectionPath: string) => boolean): void;
  close(): Promise<void>;
}

/**
 * collectionOf: the path of a collection GET (a LIST or a watch), e.g. /apis/apps/v1/namespaces/aurora/statefulsets,
 * or undefined for a single object, discovery or anything else.
 */
export function collectionOf(method: string, url: string): string | undefined {
  if (method !== 'GET') return undefined;
  const path = new URL(url, 'https://proxy').pathname;
  const parts = path.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
  if (!rest || rest.length === 0) return undefined;
  const inNamespace = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  return inNamespace.length === 1 ? path : undefined;
}

const REFUSAL = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason: 'ServiceUnavailable',
  message: 'the test proxy refuses this LIST',
  code: 503,
});

/** startListRefusingProxy serves with the apiserver's own certificate, which names 127.0.0.1, so pods trust it. */
export async function startListRefusingProxy(e: E2eEnv): Promise<ListRefusingProxy> {
  const pki = join(e.state.stateDir, 'control-plane', 'pki');
  const upstream = new URL(e.state.server);
  const ca = readFileSync(join(pki, 'ca.crt'));
  const seen: SeenRequest[] = [];
  let refusing: (collectionPath: string) => boolean = () => false;
  const server: Server = createServer(
    { cert: readFileSync(join(pki, 'apiserver.crt')), key: readFileSync(join(pki, 'apiserver.key')) },
    (req, res) => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const collection = collectionOf(method, url);
      const refused = collection !== undefined && refusing(collection);
      seen.push({ at: Date.now(), method, path: url, refused });
      if (refused) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(REFUSAL);
        return;
      }
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path: url,
          headers: { ...req.headers, host: upstream.host },
          ca,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      // a client that goes away ends its watch upstream too
      res.on('close', () => out.destroy());
      req.pipe(out);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the proxy has no port');
  return {
    port: address.port,
    seen,
    refuse(which) {
      refusing = which;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
