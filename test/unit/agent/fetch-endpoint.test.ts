// POST /backups/<name>/fetch through the operator's AgentClient, with a fake store behind createBackupFetcher: the
// file lands, a re-run is a no-op, a different local file is never overwritten, and store failures keep their class.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient, type AgentClient } from '../../../src/agent/agent-client.ts';
import { AgentError } from '../../../src/agent/agent-errors.ts';
import { createAgentServer } from '../../../src/agent/agent-server.ts';
import { createBackupFetcher, type FetchStore } from '../../../src/agent/fetch-backup.ts';
import type { BackupMetadata } from '../../../src/objectstore/backup-metadata.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../../../src/objectstore/object-store-errors.ts';
import { createLogger } from '../../../src/log.ts';

const TOKEN = 'fetch-token';
const NEW = 'scheduler-backup-2026-12-06-05-00';
const OLD = 'scheduler-backup-2026-12-06-04-00';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface FakeStore extends FetchStore {
  downloads: string[];
  fault: ObjectStoreCode | undefined;
}

function fakeStore(objects: Record<string, Buffer>): FakeStore {
  const meta = (bytes: Buffer): BackupMetadata => ({
    sha256: sha(bytes),
    size: bytes.length,
    snapshotTime: '2026-12-06T05:00:00.000Z',
    taskCount: 1,
    cluster: 'example',
    auroraVersion: '0.22.0',
  });
  const get = (name: string): Buffer => {
    if (store.fault) throw new ObjectStoreError(store.fault, `fake store: ${store.fault}`);
    const bytes = objects[name];
    if (!bytes) throw new ObjectStoreError('OBJECT_NOT_FOUND', `fake store: no ${name}`);
    return bytes;
  };
  const store: FakeStore = {
    downloads: [],
    fault: undefined,
    async newest() {
      const name = Object.keys(objects).sort().at(-1);
      return name === undefined ? undefined : { name, metadata: meta(get(name)) };
    },
    metadata: async (name) => meta(get(name)),
    async download(name, target) {
      const bytes = get(name);
      store.downloads.push(name);
      writeFileSync(target, bytes);
      return meta(bytes);
    },
  };
  return store;
}

async function withAgent(
  store: FakeStore | undefined,
  run: (client: AgentClient, at: { host: string; port: number }, dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fetch-endpoint-'));
  const fetcher = store ? createBackupFetcher(store, dir) : undefined;
  const server = createAgentServer({
    backupDir: dir,
    operatorDir: join(dir, 'ops'),
    token: TOKEN,
    log: createLogger('fetch-test', 'silent'),
    fetcher: () => fetcher,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = createAgentClient({
      token: TOKEN,
      trusted: () => true,
      timeoutMs: 2000,
      copyTimeoutMs: 2000,
    });
    await run(client, { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, dir);
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failure(promise: Promise<unknown> | undefined): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, AgentError);
    return err as AgentError;
  }
  throw new Error('the fetch should have failed');
}

const BYTES = Buffer.from('a snapshot of five tasks');

test('a fetch lands the object under its name; a second fetch finds it there and downloads nothing', async () => {
  const store = fakeStore({ [NEW]: BYTES });
  await withAgent(store, async (client, at, dir) => {
    const first = await client.fetchFromStore?.(at, NEW);
    assert.equal(first, { name: NEW, size: BYTES.length, sha256: sha(BYTES), fetched: true });
    assert.equal(readFileSync(join(dir, NEW)), BYTES);
    const again = await client.fetchFromStore?.(at, NEW);
    assert.equal(again, { name: NEW, size: BYTES.length, sha256: sha(BYTES), fetched: false });
    assert.equal(store.downloads, [NEW]);
    assert.equal(
      (await client.listBackups(at)).map((b) => b.name),
      [NEW],
    );
  });
});

test('latest fetches the newest object and answers its name', async () => {
  const store = fakeStore({ [OLD]: Buffer.from('older'), [NEW]: BYTES });
  await withAgent(store, async (client, at) => {
    const fetched = await client.fetchFromStore?.(at, 'latest');
    assert.is(fetched?.name, NEW);
    assert.equal(store.downloads, [NEW]);
  });
});

test('a different local file of that name is left alone: AGENT_FETCH_CONFLICT, terminal', async () => {
  const store = fakeStore({ [NEW]: BYTES });
  await withAgent(store, async (client, at, dir) => {
    writeFileSync(join(dir, NEW), 'a local backup');
    const err = await failure(client.fetchFromStore?.(at, NEW));
    assert.is(err.code, 'AGENT_FETCH_CONFLICT');
    assert.ok(err.terminal);
    assert.match(err.message, /the local file was left as it is/);
    assert.is(readFileSync(join(dir, NEW), 'utf8'), 'a local backup');
    assert.equal(store.downloads, []);
  });
});

const STORE_FAULTS: [ObjectStoreCode, string, boolean][] = [
  ['OBJECT_SHA256_MISMATCH', 'AGENT_STORE_BACKUP_UNREADABLE', true],
  ['OBJECT_METADATA_MISSING', 'AGENT_STORE_BACKUP_UNREADABLE', true],
  ['OBJECT_NOT_FOUND', 'AGENT_STORE_NOT_FOUND', true],
  ['OBJECT_STORE_FORBIDDEN', 'AGENT_STORE_FORBIDDEN', true],
  ['OBJECT_STORE_NO_SUCH_BUCKET', 'AGENT_STORE_FORBIDDEN', true],
  ['OBJECT_STORE_TLS', 'AGENT_STORE_FORBIDDEN', true],
  ['OBJECT_TARGET_FULL', 'AGENT_VOLUME_FULL', false],
  ['OBJECT_STORE_UNREACHABLE', 'AGENT_STORE_UNREACHABLE', false],
  ['OBJECT_STORE_ERROR', 'AGENT_STORE_UNREACHABLE', false],
];
for (const [storeCode, agentCode, terminal] of STORE_FAULTS) {
  test(`a store failure ${storeCode} reaches the operator as ${agentCode}, no file kept`, async () => {
    const store = fakeStore({ [NEW]: BYTES });
    store.fault = storeCode;
    await withAgent(store, async (client, at, dir) => {
      const err = await failure(client.fetchFromStore?.(at, NEW));
      assert.is(err.code, agentCode);
      assert.is(err.terminal, terminal);
      assert.match(err.message, new RegExp(`fake store: ${storeCode}`));
      assert.not.ok(existsSync(join(dir, NEW)));
    });
  });
}

test('an agent without store settings answers AGENT_STORE_NOT_CONFIGURED; a bad name is refused', async () => {
  await withAgent(undefined, async (client, at) => {
    const err = await failure(client.fetchFromStore?.(at, NEW));
    assert.is(err.code, 'AGENT_STORE_NOT_CONFIGURED');
    assert.ok(err.terminal);
  });
  await withAgent(fakeStore({}), async (client, at) => {
    const err = await failure(client.fetchFromStore?.(at, '..%2Fetc'));
    assert.is(err.code, 'AGENT_HTTP_STATUS');
    assert.match(err.message, /HTTP 400: .*invalid backup name/);
  });
});

test.run();
