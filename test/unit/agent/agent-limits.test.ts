// The backup agent's limits on a real server: oversized uploads get 413 and leave no file, a transfer beyond
// the concurrent maximum gets 429, and the slot comes back once a transfer ends.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentServer } from '../../../src/agent/agent-server.ts';
import { createLogger } from '../../../src/log.ts';

const TOKEN = 'limits-token';
const NAME = 'scheduler-backup-2024-01-31-23-00';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Ctx {
  root: string;
  dir: string;
  ops: string;
  server: Server;
  url: string;
}

const test = suite<Ctx>('agent-limits');

test.before.each(async (ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'agent-limits-'));
  ctx.dir = join(ctx.root, 'scheduler-backups');
  ctx.ops = join(ctx.root, 'aurora-operator');
  mkdirSync(ctx.dir, { recursive: true });
  writeFileSync(join(ctx.dir, NAME), 'x'.repeat(10));
  ctx.server = createAgentServer({
    backupDir: ctx.dir,
    operatorDir: ctx.ops,
    token: TOKEN,
    log: createLogger('agent-limits', 'silent'),
    maxUploadBytes: 64,
    maxTransfers: 1,
  });
  await new Promise<void>((resolve) => ctx.server.listen(0, '127.0.0.1', resolve));
  ctx.url = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});

test.after.each((ctx) => {
  ctx.server.closeAllConnections();
  ctx.server.close();
  rmSync(ctx.root, { recursive: true, force: true });
});

const other = 'scheduler-backup-2024-02-01-00-00';

function leftovers(ctx: Ctx): string[] {
  const incoming = join(ctx.ops, 'incoming');
  const temps = existsSync(incoming) ? readdirSync(incoming) : [];
  return [...readdirSync(ctx.dir).filter((f) => f !== NAME), ...temps];
}

test('an upload declaring more than the limit gets 413 with the sizes, and no file', async (ctx) => {
  const res = await fetch(`${ctx.url}/backups/${other}`, {
    method: 'PUT',
    headers: { ...auth, 'content-length': '65' },
    body: 'y'.repeat(65),
  });
  assert.is(res.status, 413);
  assert.match(await res.text(), 'upload of 65 bytes exceeds the limit of 64 bytes');
  assert.equal(leftovers(ctx), []);
});

test('a chunked upload that streams past the limit gets 413 and its temp file is removed', async (ctx) => {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('z'.repeat(16)));
      c.close();
    },
  });
  const res = await fetch(`${ctx.url}/backups/${other}`, {
    method: 'PUT',
    headers: auth,
    body,
    duplex: 'half',
  } as RequestInit);
  assert.is(res.status, 413);
  assert.match(await res.text(), 'exceeds the limit of 64 bytes');
  assert.equal(leftovers(ctx), []);
});

test('an upload within the limit is stored', async (ctx) => {
  const res = await fetch(`${ctx.url}/backups/${other}`, { method: 'PUT', headers: auth, body: 'ok' });
  assert.is(res.status, 201);
  assert.ok(readdirSync(ctx.dir).includes(other));
});

test('a transfer beyond the concurrent maximum gets 429 until the running one ends', async (ctx) => {
  const { port } = ctx.server.address() as AddressInfo;
  // an upload that stays open holds the only slot
  const held = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/backups/${other}`,
    headers: { ...auth, 'transfer-encoding': 'chunked' },
  });
  const heldDone = new Promise<number>((resolve, reject) => {
    held.on('response', (r) => {
      r.resume();
      r.on('end', () => resolve(r.statusCode ?? 0));
    });
    held.on('error', reject);
  });
  held.write('part');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const busy = await fetch(`${ctx.url}/backups/${NAME}`, { headers: auth });
  assert.is(busy.status, 429);
  assert.is(busy.headers.get('retry-after'), '5');
  assert.match(await busy.text(), '1 backup transfers are in progress, the most this agent serves at once');
  held.end();
  assert.is(await heldDone, 201);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = await fetch(`${ctx.url}/backups/${NAME}`, { headers: auth });
  assert.is(after.status, 200);
  assert.is(await after.text(), 'x'.repeat(10));
});

test('listing is not a transfer: it works while the slot is taken', async (ctx) => {
  const { port } = ctx.server.address() as AddressInfo;
  const held = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/backups/${other}`,
    headers: { ...auth, 'transfer-encoding': 'chunked' },
  });
  held.on('error', () => undefined);
  held.write('part');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const list = await fetch(`${ctx.url}/backups`, { headers: auth });
  assert.is(list.status, 200);
  held.destroy();
});

test.run();
