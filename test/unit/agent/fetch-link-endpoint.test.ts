// POST /backups/<name>/fetch-link through the operator's AgentClient: an agent with no store of its own downloads
// one object through a link (a loopback server stands in for the store), checks its SHA-256 and size, never keeps
// a partial or wrong file, and answers the store's refusals with the codes a restore sorts into terminal or transient.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient, type AgentClient } from '../../../src/agent/agent-client.ts';
import { AgentError } from '../../../src/agent/agent-errors.ts';
import { createAgentServer } from '../../../src/agent/agent-server.ts';
import { createLogger } from '../../../src/log.ts';

const TOKEN = 'link-token';
const NAME = 'scheduler-backup-2026-12-06-05-00';
const BYTES = Buffer.from('a snapshot of five tasks, from another cluster');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** store: answers GET /<path> with the status and bytes a test sets; records the paths asked for */
interface FakeLinkStore {
  url(path: string): string;
  asked: string[];
  answer: { status: number; body: Buffer };
}

async function withWorld(
  run: (
    client: AgentClient,
    at: { host: string; port: number },
    store: FakeLinkStore,
    dir: string,
  ) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fetch-link-'));
  const store: FakeLinkStore = { url: () => '', asked: [], answer: { status: 200, body: BYTES } };
  const storeServer: Server = createServer((req, res) => {
    store.asked.push(req.url ?? '');
    res.writeHead(store.answer.status, { 'content-length': store.answer.body.length });
    res.end(store.answer.body);
  });
  await new Promise<void>((resolve) => storeServer.listen(0, '127.0.0.1', resolve));
  store.url = (path) => `http://127.0.0.1:${(storeServer.address() as AddressInfo).port}/${path}`;
  // no fetcher: this agent's cluster ships nowhere, yet it can download through a link
  const agent = createAgentServer({
    backupDir: dir,
    operatorDir: join(dir, 'ops'),
    token: TOKEN,
    log: createLogger('fetch-link-test', 'silent'),
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  try {
    const client = createAgentClient({
      token: TOKEN,
      trusted: () => true,
      timeoutMs: 2000,
      copyTimeoutMs: 5000,
    });
    await run(client, { host: '127.0.0.1', port: (agent.address() as AddressInfo).port }, store, dir);
  } finally {
    for (const s of [agent, storeServer]) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failure(promise: Promise<unknown> | undefined): Promise<AgentError> {
  const outcome = await Promise.resolve(promise).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(outcome, AgentError, 'the fetch should have failed with an AgentError');
  return outcome as AgentError;
}

const link = (url: string, bytes = BYTES) => ({ url, sha256: sha(bytes), size: bytes.length });

test('the object lands under its name through the link; a second fetch finds it and asks the store nothing', async () => {
  await withWorld(async (client, at, store, dir) => {
    const first = await client.fetchLink?.(at, NAME, link(store.url('bucket/other/obj?X-Amz-Signature=s')));
    assert.equal(first, { name: NAME, size: BYTES.length, sha256: sha(BYTES), fetched: true });
    assert.equal(readFileSync(join(dir, NAME)), BYTES);
    assert.equal(store.asked, ['/bucket/other/obj?X-Amz-Signature=s']);
    const again = await client.fetchLink?.(at, NAME, link(store.url('x')));
    assert.is(again?.fetched, false);
    assert.is(store.asked.length, 1);
  });
});

test('bytes that do not match the SHA-256 are BackupUnreadable (terminal) and leave no file, not even a temp', async () => {
  await withWorld(async (client, at, store, dir) => {
    store.answer = { status: 200, body: Buffer.from('a snapshot of five tasks, from ANOTHER cluster') };
    const err = await failure(client.fetchLink?.(at, NAME, link(store.url('obj'))));
    assert.is(err.code, 'AGENT_STORE_BACKUP_UNREADABLE');
    assert.ok(err.terminal);
    assert.equal(
      readdirSync(dir).filter((f) => f !== 'ops'),
      [],
    );
  });
});

const STATUSES: [number, string, boolean][] = [
  [403, 'AGENT_STORE_FORBIDDEN', true],
  [404, 'AGENT_STORE_NOT_FOUND', true],
  [503, 'AGENT_STORE_UNREACHABLE', false],
];
for (const [status, code, terminal] of STATUSES) {
  test(`the store answering HTTP ${status} reaches the operator as ${code}`, async () => {
    await withWorld(async (client, at, store, dir) => {
      store.answer = { status, body: Buffer.from('<Error><Code>Refused</Code></Error>') };
      const err = await failure(client.fetchLink?.(at, NAME, link(store.url('obj'))));
      assert.is(err.code, code);
      assert.is(err.terminal, terminal);
      assert.match(err.message, new RegExp(`HTTP ${status}`));
      assert.not.ok(existsSync(join(dir, NAME)));
    });
  });
}

test('a store that does not answer is transient; a different local file is a conflict and left alone', async () => {
  await withWorld(async (client, at, _store, dir) => {
    const closed = await failure(client.fetchLink?.(at, NAME, link('http://127.0.0.1:9/obj')));
    assert.is(closed.code, 'AGENT_STORE_UNREACHABLE');
    assert.not.ok(closed.terminal);
    writeFileSync(join(dir, NAME), 'a local backup');
    const conflict = await failure(client.fetchLink?.(at, NAME, link('http://127.0.0.1:9/obj')));
    assert.is(conflict.code, 'AGENT_FETCH_CONFLICT');
    assert.is(readFileSync(join(dir, NAME), 'utf8'), 'a local backup');
  });
});

test('a request that is not a link, or names no backup, is refused before anything is fetched', async () => {
  await withWorld(async (client, at, store) => {
    const bad = await failure(
      client.fetchLink?.(at, NAME, { url: 'file:///etc/passwd', sha256: 'x', size: 1 }),
    );
    assert.match(bad.message, /HTTP 400: .*not a link request/);
    const name = await failure(client.fetchLink?.(at, '..%2Fetc', link(store.url('obj'))));
    assert.match(name.message, /HTTP 400: .*invalid backup name/);
    assert.equal(store.asked, []);
  });
});

test.run();
