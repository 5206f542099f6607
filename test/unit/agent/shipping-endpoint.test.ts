// GET /shipping answers the shipper's status through the operator's AgentClient, and 404 (undefined) when the
// agent ships nothing; the settings reach the agent from the env the operator renders.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ShippingStatus } from '../../../src/agent/agent-api.ts';
import { createAgentClient } from '../../../src/agent/agent-client.ts';
import { createAgentServer } from '../../../src/agent/agent-server.ts';
import { agentSettingsFromEnv } from '../../../src/agent/backup-agent-process.ts';
import { createLogger } from '../../../src/log.ts';

const TOKEN = 'shipping-token';
const STATUS: ShippingStatus = {
  lastShipped: {
    name: 'scheduler-backup-2026-12-06-04-00',
    at: '2026-12-06T04:01:00.000Z',
    size: 10,
    tasks: 2,
  },
  pending: 1,
  objects: 3,
  bytes: 30,
  uploadFailures: 0,
  unreadable: [],
};

async function answer(
  shipping: (() => ShippingStatus | undefined) | undefined,
): Promise<ShippingStatus | undefined> {
  const root = mkdtempSync(join(tmpdir(), 'shipping-endpoint-'));
  const server = createAgentServer({
    backupDir: root,
    operatorDir: join(root, 'ops'),
    token: TOKEN,
    log: createLogger('shipping-test', 'silent'),
    ...(shipping ? { shipping } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = createAgentClient({
      token: TOKEN,
      trusted: () => true,
      timeoutMs: 2000,
      copyTimeoutMs: 2000,
    });
    const port = (server.address() as AddressInfo).port;
    return await client.shippingStatus?.({ host: '127.0.0.1', port });
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('the client reads the status the shipper reports', async () => {
  assert.equal(await answer(() => STATUS), STATUS);
});

test('an agent without an object store answers 404, which the client reads as undefined', async () => {
  assert.is(await answer(undefined), undefined);
  assert.is(await answer(() => undefined), undefined);
});

const BASE_ENV = { AGENT_TOKEN: 't', BACKUP_DIR: '/backups' };

test('no OBJECT_STORE_BUCKET: the agent ships nothing', () => {
  const settings = agentSettingsFromEnv(BASE_ENV);
  assert.ok(typeof settings === 'object' && settings.shipping === undefined);
});

test('the rendered env becomes the store settings, retention and metadata', () => {
  const settings = agentSettingsFromEnv({
    ...BASE_ENV,
    OBJECT_STORE_BUCKET: 'backups',
    OBJECT_STORE_ENDPOINT: 'http://127.0.0.1:7070',
    OBJECT_STORE_PREFIX: 'aurora/example/',
    OBJECT_STORE_REGION: 'us-east-1',
    OBJECT_STORE_FORCE_PATH_STYLE: 'true',
    OBJECT_STORE_ACCESS_KEY_ID: 'id',
    OBJECT_STORE_SECRET_ACCESS_KEY: 'secret',
    OBJECT_STORE_SSE: 'AES256',
    OBJECT_STORE_KEEP_LAST: '5',
    OBJECT_STORE_MAX_AGE: '2days',
    AURORA_CLUSTER_NAME: 'example',
    AURORA_VERSION: '0.22.0',
    SCHEDULER_HTTP_URL: 'http://127.0.0.1:8081',
  });
  if (typeof settings === 'string') throw new Error(settings);
  assert.equal(settings.shipping, {
    store: {
      bucket: 'backups',
      prefix: 'aurora/example/',
      region: 'us-east-1',
      forcePathStyle: true,
      endpoint: 'http://127.0.0.1:7070',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      encryption: { type: 'AES256' },
    },
    retention: { keepLast: 5, maxAgeMs: 2 * 86_400_000 },
    cluster: 'example',
    auroraVersion: '0.22.0',
    schedulerUrl: 'http://127.0.0.1:8081',
  });
});

test('bad shipping env is an error to print, not a silent default', () => {
  const bucket = { ...BASE_ENV, OBJECT_STORE_BUCKET: 'backups' };
  assert.match(String(agentSettingsFromEnv({ ...bucket, OBJECT_STORE_KEEP_LAST: '0' })), /KEEP_LAST/);
  assert.match(String(agentSettingsFromEnv({ ...bucket, OBJECT_STORE_MAX_AGE: '30d' })), /MAX_AGE/);
  assert.match(String(agentSettingsFromEnv({ ...bucket, OBJECT_STORE_SSE: 'des' })), /SSE/);
  assert.match(String(agentSettingsFromEnv({ ...bucket, OBJECT_STORE_ACCESS_KEY_ID: 'id' })), /set together/);
});

test.run();
