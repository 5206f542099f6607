// The scheduler's HTTP port: health, leader health, vars, /api with the leader-redirect filter, quit/abort and faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BYPASS_LEADER_REDIRECT_HEADER_NAME } from '../../../src/thrift/api-types.ts';
import { serveApi } from './api-servlet.ts';
import { FaultsSchema, type Faults } from './faults.ts';
import type { Endpoint, LeaderLookup } from './serverset.ts';
import type { ApiContext } from './thrift-api.ts';
import type { Vars } from './vars.ts';

export interface HttpContext {
  api: ApiContext;
  vars: Vars;
  self(): Endpoint;
  lookupLeader(): Promise<LeaderLookup>;
  faults(): Faults;
  updateFaults(update: Faults): Faults;
  quit(): void;
  abort(): void;
}

const LEADER_PREFIXES = [
  '/agents',
  '/api',
  '/cron',
  '/maintenance',
  '/mname',
  '/offers',
  '/pendingtasks',
  '/quotas',
  '/slaves',
  '/state',
  '/tiers',
  '/utilization',
  '/assets/scheduler',
];

export function isLeaderEndpoint(path: string): boolean {
  return LEADER_PREFIXES.some((p) => path.startsWith(p));
}

const text = (res: ServerResponse, status: number, body: string, type = 'text/plain'): void => {
  res.writeHead(status, { 'content-type': type }).end(body);
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const s = Buffer.concat(chunks).toString('utf8');
  return s.trim() === '' ? {} : JSON.parse(s);
}

const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => a.host === b.host && a.port === b.port;

async function leaderHealth(ctx: HttpContext, res: ServerResponse): Promise<void> {
  const lookup = await ctx.lookupLeader();
  if (lookup.kind === 'one' && sameEndpoint(lookup.leader, ctx.self())) {
    return text(res, 200, 'This is the leading scheduler.\n');
  }
  if (lookup.kind === 'one') return text(res, 503, 'Another instance is the leading scheduler.\n');
  text(res, 502, 'There is no leading scheduler or the leader is unknown.\n');
}

/** LeaderRedirectFilter: serve on the advertised leader, 307 elsewhere, 503 when the leader is unknown. */
async function redirectIfFollower(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (req.headers[BYPASS_LEADER_REDIRECT_HEADER_NAME.toLowerCase()] !== undefined) return false;
  const lookup = await ctx.lookupLeader();
  if (lookup.kind === 'one' && sameEndpoint(lookup.leader, ctx.self())) return false;
  if (lookup.kind === 'one') {
    const location = `http://${lookup.leader.host}:${lookup.leader.port}${req.url ?? '/'}`;
    res.writeHead(307, { location, 'content-type': 'text/plain' }).end(`Redirecting to ${location}\n`);
    return true;
  }
  text(res, 503, '<html><body><h1>No leader found</h1></body></html>\n', 'text/html');
  return true;
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const method = req.method ?? 'GET';
  if (path === '/health') return text(res, 200, 'OK\n');
  if (path === '/leaderhealth') return leaderHealth(ctx, res);
  if (path === '/vars') return text(res, 200, ctx.vars.text());
  if (path === '/vars.json') return text(res, 200, JSON.stringify(ctx.vars.snapshot()), 'application/json');
  if (path === '/sim/faults') {
    if (method === 'POST') ctx.updateFaults(FaultsSchema.parse(await readJson(req)));
    return text(res, 200, JSON.stringify(ctx.faults()), 'application/json');
  }
  if (path === '/quitquitquit' && method === 'POST') {
    text(res, 200, 'Notifying quit listener.\n');
    return ctx.quit();
  }
  if (path === '/abortabortabort' && method === 'POST') {
    res.writeHead(200).end('Aborting.\n', () => ctx.abort());
    return;
  }
  if (isLeaderEndpoint(path)) {
    if (await redirectIfFollower(ctx, req, res)) return;
    if (path === '/api') return serveApi(ctx.api, req, res);
    return text(res, 404, `Not simulated: ${path}\n`);
  }
  text(res, 404, `Not found: ${path}\n`);
}

export function createHttpServer(ctx: HttpContext): Server {
  return createServer((req, res) => {
    const faults = ctx.faults();
    if (faults.hang && !req.url?.startsWith('/sim/faults')) return; // never answered
    const handle = (): void => {
      route(ctx, req, res).catch((err: unknown) => {
        if (!res.headersSent) text(res, 500, `${String(err)}\n`);
        else res.end();
      });
    };
    if (faults.slowMs) setTimeout(handle, faults.slowMs);
    else handle();
  });
}
