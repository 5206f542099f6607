// The simulator's /api servlet on 127.0.0.1 over an in-memory StoredState, for tests that drive it with the
// operator's own client.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuroraAdminClient, type AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import { serveApi } from '../../world/simulator/api-servlet.ts';
import type { StoredState } from '../../world/simulator/log-store.ts';
import { createStagedRecovery } from '../../world/simulator/staged-recovery.ts';
import type { ApiContext } from '../../world/simulator/thrift-api.ts';

export interface SimApi {
  ctx: ApiContext;
  base: string;
  admin(): AuroraAdminClient;
  reset(): void;
  close(): void;
}

export async function startSimApi(): Promise<SimApi> {
  let state: StoredState = { tasks: [] };
  const ctx: ApiContext = {
    clusterName: 'sim',
    schedulerHost: '127.0.0.1',
    storageReady: () => true,
    state: () => state,
    mutate: async (change) => {
      state = change(state);
    },
    backupNow: () => undefined,
    snapshot: async () => undefined,
    listBackups: () => [],
    recovery: createStagedRecovery('/nonexistent-backup-dir'),
    commitRecovery: async () => undefined,
  };
  const server = createServer((req, res) => void serveApi(ctx, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ctx,
    base,
    admin: () => createAuroraAdminClient({ baseUrl: base, timeoutMs: 2000 }),
    reset: () => {
      state = { tasks: [] };
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
