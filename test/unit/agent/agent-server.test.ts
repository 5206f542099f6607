// The backup agent's HTTP API on a real server (127.0.0.1, port 0) over a temporary backup directory.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient } from '../../../src/agent/agent-client.ts';
import { createAgentServer, listBackupFiles, uploadRefusal } from '../../../src/agent/agent-server.ts';
import { createLogger } from '../../../src/log.ts';

const TOKEN = 'test-token-0123456789';
const B1 = 'scheduler-backup-2024-01-31-23-00';
const B2 = 'scheduler-backup-2024-02-01-00-00';

interface Agent {
  /** the scheduler's -backup_dir */
  dir: string;
  /** the operator's state beside it */
  ops: string;
  server: Server;
  url: string;
  port: number;
}

async function startAgent(root: string, name: string): Promise<Agent> {
  const dir = join(root, name, 'scheduler-backups');
  const ops = join(root, name, 'aurora-operator');
  mkdirSync(dir, { recursive: true });
  const server = createAgentServer({
    backupDir: dir,
    operatorDir: ops,
    token: TOKEN,
    log: createLogger('agent-test', 'silent'),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { dir, ops, server, url: `http://127.0.0.1:${port}`, port };
}

const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

const test = suite<{ root: string; a: Agent; b: Agent }>('agent-server');

test.before(async (ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'agent-server-test-'));
  ctx.a = await startAgent(ctx.root, 'a');
  ctx.b = await startAgent(ctx.root, 'b');
  writeFileSync(join(ctx.a.dir, B2), 'second backup');
  writeFileSync(join(ctx.a.dir, B1), 'first');
  writeFileSync(join(ctx.a.dir, 'notes.txt'), 'not a backup');
  mkdirSync(join(ctx.a.dir, 'scheduler-backup-dir'));
});

test.after((ctx) => {
  ctx.a.server.close();
  ctx.b.server.close();
  rmSync(ctx.root, { recursive: true, force: true });
});

test('/healthz needs no token; everything else answers 401 without the right bearer token', async ({ a }) => {
  const health = await fetch(`${a.url}/healthz`);
  assert.is(health.status, 200);
  assert.equal(await health.json(), { ok: true });
  const wrongs: Array<Record<string, string>> = [
    {},
    auth('wrong-token-0123456789'),
    auth('short'),
    auth(`${TOKEN}x`),
    { authorization: TOKEN },
    { authorization: `Basic ${TOKEN}` },
  ];
  for (const headers of wrongs) {
    for (const path of ['/backups', '/markers', `/backups/${B1}`]) {
      const res = await fetch(`${a.url}${path}`, { headers });
      assert.is(res.status, 401, `GET ${path} with ${JSON.stringify(headers)}`);
      assert.match(await res.text(), /missing or wrong bearer token/);
    }
  }
  const put = await fetch(`${a.url}/backups/${B1.replace('23-00', '22-00')}`, {
    method: 'PUT',
    body: 'sneaky',
  });
  assert.is(put.status, 401);
  assert.not.ok(readdirSync(a.dir).includes('scheduler-backup-2024-01-31-22-00'), 'nothing was written');
  const mark = await fetch(`${a.url}/markers/r1.succeeded`, { method: 'PUT' });
  assert.is(mark.status, 401);
  assert.not.ok(existsSync(join(a.ops, 'r1.succeeded')), 'no marker was written');
});

test('list: only regular scheduler-backup-* files, sorted, with size and mtime', async ({ a }) => {
  const res = await fetch(`${a.url}/backups`, { headers: auth() });
  assert.is(res.status, 200);
  const { backups } = (await res.json()) as { backups: Array<{ name: string; size: number; mtime: string }> };
  assert.equal(
    backups.map((b) => [b.name, b.size]),
    [
      [B1, 5],
      [B2, 13],
    ],
  );
  for (const b of backups) assert.ok(!Number.isNaN(Date.parse(b.mtime)), b.mtime);
  assert.equal(await listBackupFiles(join(a.dir, 'missing')), []);
});

test('download streams the file with its length; a missing backup is 404', async ({ a }) => {
  const res = await fetch(`${a.url}/backups/${B2}`, { headers: auth() });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-length'), '13');
  assert.is(await res.text(), 'second backup');
  const missing = await fetch(`${a.url}/backups/scheduler-backup-2020-01-01-00-00`, { headers: auth() });
  assert.is(missing.status, 404);
  assert.match(await missing.text(), /not found/);
});

test('upload writes the file atomically and leaves no temp file behind', async ({ b }) => {
  const res = await fetch(`${b.url}/backups/${B1}`, { method: 'PUT', headers: auth(), body: 'uploaded!' });
  assert.is(res.status, 201);
  assert.equal(await res.json(), { name: B1, size: 9 });
  assert.is(readFileSync(join(b.dir, B1), 'utf8'), 'uploaded!');
  assert.equal(readdirSync(join(b.ops, 'incoming')), [], 'uploads land beside the backup directory');
  assert.equal(readdirSync(b.dir), [B1], 'the backup directory holds only the backup');
  const again = await fetch(`${b.url}/backups/${B1}`, { method: 'PUT', headers: auth(), body: 'replaced' });
  assert.is(again.status, 201);
  assert.is(readFileSync(join(b.dir, B1), 'utf8'), 'replaced');
});

test('names are validated: traversal and non-backup names are refused, nothing written', async ({
  root,
  b,
}) => {
  const refused = [
    '..%2Fx',
    '..%2F..%2Fescaped',
    `..%2F${B1}`,
    'x',
    'notes.txt',
    '.aurora-operator',
    'scheduler-backup-2024-01-31',
    `${B1}.tmp`,
    'scheduler-backup-2024-01-31-23-0x',
  ];
  for (const name of refused) {
    for (const method of ['PUT', 'GET']) {
      const res = await fetch(`${b.url}/backups/${name}`, {
        method,
        headers: auth(),
        ...(method === 'PUT' ? { body: 'evil' } : {}),
      });
      assert.is(res.status, 400, `${method} ${name}`);
      assert.match(await res.text(), /invalid backup name/);
    }
  }
  assert.not.ok(readdirSync(dirname(b.dir)).includes('x'), 'nothing escaped the backup directory');
  assert.not.ok(readdirSync(root).includes('escaped'));
  assert.not.ok(readdirSync(b.dir).includes('x'));
  const nested = await fetch(`${b.url}/backups/a/b`, { headers: auth() });
  assert.is(nested.status, 404);
  const other = await fetch(`${b.url}/elsewhere`, { headers: auth() });
  assert.is(other.status, 404);
  const del = await fetch(`${b.url}/backups/${B1}`, { method: 'DELETE', headers: auth() });
  assert.is(del.status, 405);
  assert.ok(readdirSync(b.dir).includes(B1), 'DELETE removed nothing');
});

test('markers: only *.done and *.succeeded files of the operator directory, sorted; none without it', async ({
  a,
}) => {
  const empty = await fetch(`${a.url}/markers`, { headers: auth() });
  assert.equal(await empty.json(), { markers: [] });
  const marks = a.ops;
  mkdirSync(join(marks, 'pre-restore-r1'), { recursive: true });
  mkdirSync(join(marks, 'incoming'), { recursive: true });
  writeFileSync(join(marks, 'r1.wipe.done'), '');
  writeFileSync(join(marks, 'r1.rollback.done'), '');
  writeFileSync(join(marks, 'r1.wipe.partial'), '');
  const res = await fetch(`${a.url}/markers`, { headers: auth() });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { markers: ['r1.rollback.done', 'r1.wipe.done'] });
  const list = (await (await fetch(`${a.url}/backups`, { headers: auth() })).json()) as {
    backups: Array<{ name: string }>;
  };
  assert.equal(
    list.backups.map((x) => x.name),
    [B1, B2],
    'the marker directory is not a backup',
  );
});

const RESTORE_UID = '3f1c2a9e-0b7d-4c1e-9a55-2d7e8f6a1b00';

test('PUT /markers/<id>.succeeded writes the marker once and keeps its first write time', async ({ b }) => {
  const name = `${RESTORE_UID}.succeeded`;
  const first = await fetch(`${b.url}/markers/${name}`, { method: 'PUT', headers: auth() });
  assert.is(first.status, 201);
  assert.equal(await first.json(), { name });
  assert.is(readFileSync(join(b.ops, name), 'utf8'), '');
  const past = new Date('2024-01-31T23:00:00.000Z');
  utimesSync(join(b.ops, name), past, past);
  const again = await fetch(`${b.url}/markers/${name}`, { method: 'PUT', headers: auth() });
  assert.is(again.status, 200);
  assert.is(
    statSync(join(b.ops, name)).mtime.toISOString(),
    past.toISOString(),
    'the retention counts from the first write',
  );
  const list = (await (await fetch(`${b.url}/markers`, { headers: auth() })).json()) as { markers: string[] };
  assert.ok(list.markers.includes(name), JSON.stringify(list));
  assert.not.ok(readdirSync(b.dir).includes(name), 'markers never land in the backup directory');
});

test('marker names are validated: only <restoreId>.succeeded, nothing written anywhere else', async ({
  root,
  b,
}) => {
  mkdirSync(b.ops, { recursive: true });
  const before = readdirSync(b.ops).sort();
  const refused = [
    'r1.wipe.done',
    'r1.rollback.done',
    'r1',
    '.succeeded',
    'R1.succeeded',
    '-r1.succeeded',
    'a..b.succeeded',
    '..%2Fx.succeeded',
    '..%2F..%2Fescaped.succeeded',
    `${'a'.repeat(254)}.succeeded`,
    'r1.succeeded.tmp',
    'incoming',
  ];
  for (const name of refused) {
    const res = await fetch(`${b.url}/markers/${name}`, { method: 'PUT', headers: auth() });
    assert.is(res.status, 400, name);
    assert.match(await res.text(), /invalid marker name/);
  }
  assert.equal(readdirSync(b.ops).sort(), before);
  assert.not.ok(existsSync(join(dirname(b.ops), 'x.succeeded')), 'nothing escaped the operator directory');
  assert.not.ok(readdirSync(root).some((n) => n.includes('escaped')));
  const get = await fetch(`${b.url}/markers/r1.succeeded`, { headers: auth() });
  assert.is(get.status, 405);
  const nested = await fetch(`${b.url}/markers/a/b.succeeded`, { method: 'PUT', headers: auth() });
  assert.is(nested.status, 404);
});

test('the operator client lists, reads markers and copies a backup from one agent to another', async ({
  a,
  b,
}) => {
  const client = createAgentClient({
    token: TOKEN,
    timeoutMs: 5000,
    copyTimeoutMs: 5000,
    trusted: () => true,
  });
  const at = (x: Agent) => ({ host: '127.0.0.1', port: x.port });
  assert.equal(
    (await client.listBackups(at(a))).map((x) => x.name),
    [B1, B2],
  );
  assert.equal(await client.listMarkers(at(a)), ['r1.rollback.done', 'r1.wipe.done']);
  await client.markSucceeded(at(a), RESTORE_UID);
  await client.markSucceeded(at(a), RESTORE_UID);
  assert.equal(await client.listMarkers(at(a)), [
    `${RESTORE_UID}.succeeded`,
    'r1.rollback.done',
    'r1.wipe.done',
  ]);
  try {
    await client.markSucceeded(at(a), '../escape');
    assert.unreachable('an invalid restore id must fail');
  } catch (err) {
    assert.match(String(err), /HTTP 400/);
  }
  const written = new Date('2024-01-31T23:00:17.000Z');
  utimesSync(join(a.dir, B2), written, written);
  assert.is(await client.copyBackup(at(a), at(b), B2), 13);
  assert.is(readFileSync(join(b.dir, B2), 'utf8'), 'second backup');
  assert.is(
    statSync(join(b.dir, B2)).mtime.toISOString(),
    written.toISOString(),
    'the copy keeps the write time',
  );
  try {
    await client.copyBackup(at(a), at(b), 'scheduler-backup-2020-01-01-00-00');
    assert.unreachable('copying a missing backup must fail');
  } catch (err) {
    assert.match(String(err), /HTTP 404/);
  }
  const stranger = createAgentClient({
    token: 'nope',
    timeoutMs: 5000,
    copyTimeoutMs: 5000,
    trusted: () => true,
  });
  try {
    await stranger.listBackups(at(a));
    assert.unreachable('a wrong token must fail');
  } catch (err) {
    assert.match(String(err), /HTTP 401/);
  }
});

test('the operator client has the agent decode a backup where it lies; a missing one is 404', async ({
  a,
}) => {
  const client = createAgentClient({
    token: TOKEN,
    timeoutMs: 5000,
    copyTimeoutMs: 5000,
    trusted: () => true,
  });
  const at = { host: '127.0.0.1', port: a.port };
  const good = 'scheduler-backup-2024-02-02-00-00';
  // an empty Snapshot with its timestamp: field 1 (i64) = 7, then STOP
  writeFileSync(join(a.dir, good), Buffer.from([10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0]));
  assert.equal(await client.checkBackup(at, good), {
    name: good,
    size: 12,
    verdict: 'readable',
    tasks: 0,
    timestamp: 7,
  });
  const text = await client.checkBackup(at, B2);
  assert.is(text.verdict, 'unreadable', 'a text file is no snapshot');
  assert.match(text.problem ?? '', 'not a Thrift Snapshot');
  try {
    await client.checkBackup(at, 'scheduler-backup-2020-01-01-00-00');
    assert.unreachable('checking a missing backup must fail');
  } catch (err) {
    assert.match(String(err), /HTTP 404/);
  }
  const unauthorized = await fetch(`${a.url}/backups/${good}/check`);
  assert.is(unauthorized.status, 401);
});

test('an upload that fills the volume answers 507 with the reason; other failures stay 500', () => {
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  assert.equal(uploadRefusal(full), {
    status: 507,
    error: "no space left on this replica's backups volume: ENOSPC: no space left on device, write",
  });
  assert.is(uploadRefusal(new Error('EIO')), undefined);
  assert.is(uploadRefusal(undefined), undefined);
});

test.run();
