// Shared pieces of the informer tests: objects, watch lines, a scripted API server and a recorder of events.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackoffPolicy } from '../../../../src/k8s/rest/backoff.ts';
import { ListWatch, type ListWatchOptions } from '../../../../src/k8s/rest/list-watch.ts';
import { startFakeApiServer, type FakeApiServer, type SeenRequest } from '../../../support/fake-apiserver.ts';

export interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string };
  data?: string;
}

export const obj = (name: string, rv: string, data?: string): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  ...(data ? { data } : {}),
});
export const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
export const PATH = '/api/v1/namespaces/ns/configmaps';
/** a back-off short enough for tests, without jitter */
export const FAST_BACKOFF: BackoffPolicy = { initialMs: 10, maxMs: 40, resetAfterMs: 60_000, jitter: 0 };

/** a watch or list answer: writes the chunks, then ends the stream unless told to hold it open */
export type Script = (res: ServerResponse, req: SeenRequest) => Promise<void> | void;

/** scripted answers LISTs and WATCHes in order; a request with nothing scripted is held open */
export function scripted(lists: Script[], watches: Script[]) {
  return async (req: SeenRequest, res: ServerResponse) => {
    const next = req.query['watch'] === 'true' ? watches.shift() : lists.shift();
    if (!next) return;
    await next(res, req);
  };
}

export function recorder(informer: ListWatch<Obj>): string[] {
  const events: string[] = [];
  for (const verb of ['add', 'update', 'delete'] as const)
    informer.on(verb, (o) => events.push(`${verb} ${o.metadata.name}@${o.metadata.resourceVersion}`));
  informer.on('error', (err) => events.push(`error ${(err as { code?: number }).code ?? String(err)}`));
  return events;
}

export async function until(what: string, cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const watchRequests = (seen: readonly SeenRequest[]) =>
  seen.filter((r) => r.query['watch'] === 'true');
export const listRequests = (seen: readonly SeenRequest[]) => seen.filter((r) => r.query['watch'] !== 'true');

/** a watch answer that sends the lines and ends the stream */
export const sendLines =
  (...lines: string[]): Script =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(lines.join(''));
  };

/** a watch answer that stays open and silent */
export const holdOpen: Script = (res) => void res.writeHead(200).flushHeaders();

/**
 * withInformer serves the scripts, starts an informer (fast back-off) with its events recorded, runs the checks,
 * and stops and closes everything whatever they did.
 */
export async function withInformer(
  lists: Script[],
  watches: Script[],
  check: (informer: ListWatch<Obj>, api: FakeApiServer, events: string[]) => Promise<void>,
  opts: ListWatchOptions = {},
): Promise<void> {
  const api = await startFakeApiServer(scripted(lists, watches));
  const informer = new ListWatch<Obj>(api.client(), PATH, { backoff: FAST_BACKOFF, ...opts });
  try {
    const events = recorder(informer);
    await informer.start();
    await check(informer, api, events);
  } finally {
    await informer.stop();
    await api.close();
  }
}
