// The libprocess port (LIBPROCESS_IP:LIBPROCESS_PORT): /metrics/snapshot and the replicas' /log/* messages
// (recover, promise, state, write).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { StoredState } from './log-store.ts';
import type { Replica } from './log-replica.ts';

export interface LibprocessServer {
  server: Server;
  port: number;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const s = Buffer.concat(chunks).toString('utf8');
  return s.trim() === '' ? {} : (JSON.parse(s) as Record<string, unknown>);
}

export function logMetrics(replica: Replica | undefined): Record<string, number> {
  return {
    'log/recovered': replica?.record.status === 'VOTING' ? 1 : 0,
    'log/ensemble_size': replica?.ensembleSize ?? 0,
    'log/position': replica?.record.position ?? 0,
  };
}

export async function startLibprocess(
  ip: string,
  port: number,
  replica: () => Replica | undefined,
): Promise<LibprocessServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (status: number, v: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    };
    const r = replica();
    if (path === '/metrics/snapshot') return json(200, logMetrics(r));
    if (!r) return json(503, { error: 'replica not started' });
    body(req)
      .then((b) => {
        const from = typeof b['from'] === 'string' ? b['from'] : 'an unknown replica';
        if (path === '/log/recover') return json(200, r.onRecover());
        if (path === '/log/promise') return json(200, r.onPromise(Number(b['proposal']), from));
        if (path === '/log/state') return json(200, r.record);
        if (path === '/log/write')
          return json(
            200,
            r.onWrite(Number(b['position']), b['state'] as StoredState, Number(b['proposal'] ?? 0), from),
          );
        json(404, { error: `unknown endpoint ${path}` });
      })
      .catch((err: unknown) => json(400, { error: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}
