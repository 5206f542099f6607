// Restore from the object store in the restore world: Validate has an agent download the object into a replica's
// volume, then everything runs as for a local backup; store faults fail or wait at Validate with nothing touched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { performStep } from '../../../src/restore/perform-action.ts';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import { AgentError } from '../../../src/agent/agent-errors.ts';
import type { AgentErrorCode } from '../../../src/api/errors.ts';
import { OperatorKilled } from '../../support/memory-kube.ts';
import { TerminalError } from '../../../src/controller/result.ts';
import { validate } from '../../../src/restore/backup-steps.ts';
import type { RestoreEffects, StepContext } from '../../../src/restore/step.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { makeRestore, runningWorld } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const LOCAL = 'scheduler-backup-2024-01-31-22-00';
const STORED = 'scheduler-backup-2024-01-31-23-00';
const OLDER = 'scheduler-backup-2024-01-31-21-00';
const STORED_TASKS = ['www-prod-web-0', 'www-prod-web-1', 'www-prod-api-0'];
const SHA = 'ab'.repeat(32);

interface Store {
  /** what the store holds, newest name last does not matter: latest is the greatest name */
  objects: Map<string, { size: number; mtime: string; tasks: string[] }>;
  /** a store fault for the next calls, like the agent would report it */
  fault: AgentErrorCode | undefined;
  /** each fetch: the ordinal of the replica asked, and the name asked for */
  calls: { ordinal: number | undefined; name: string }[];
}

/** withStore: the fake agents gain fetchFromStore, which places the object on the replica at that IP. */
function withStore(world: RestoreWorld, store: Store): void {
  const plain = world.aurora.agents.bind(world.aurora);
  world.aurora.agents = (): AgentClient => ({
    ...plain(),
    async fetchFromStore(at, nameOrLatest) {
      const s = world.aurora.running.find((p) => p.podIP === at.host);
      store.calls.push({ ordinal: s?.ordinal, name: nameOrLatest });
      if (!s) throw new Error(`connect ECONNREFUSED ${at.host}`);
      if (store.fault) throw new AgentError(store.fault, `store fault ${store.fault}`);
      const name = nameOrLatest === 'latest' ? [...store.objects.keys()].sort().at(-1) : nameOrLatest;
      const object = name === undefined ? undefined : store.objects.get(name);
      if (!name || !object) throw new AgentError('AGENT_STORE_NOT_FOUND', `no object ${nameOrLatest}`);
      const replica = world.aurora.replica(s.ordinal);
      const present = replica.backups.some((b) => b.name === name);
      if (!present) replica.backups.push({ name, size: object.size, mtime: object.mtime });
      world.aurora.contents.set(name, object.tasks);
      return { name, size: object.size, sha256: SHA, fetched: !present };
    },
  });
}

function storeWorld(
  spec: Record<string, unknown> = {},
  objectStore = true,
): { world: RestoreWorld; store: Store } {
  const world = new RestoreWorld({
    cluster: makeCluster(objectStore ? { backup: { objectStore: { bucket: 'backups' } } } : {}),
    restore: makeRestore({ backupId: STORED, source: { objectStore: {} }, ...spec }),
    tasks: BEFORE,
    // a local backup with other tasks, so a restore that used it would show
    backup: { id: LOCAL, tasks: ['local-only-0'], ordinal: 1, takenAt: '2024-01-31T22:00:10.000Z', size: 99 },
  });
  const store: Store = {
    objects: new Map([
      [STORED, { size: 1234, mtime: '2024-01-31T23:00:10.000Z', tasks: STORED_TASKS }],
      [OLDER, { size: 1000, mtime: '2024-01-31T21:00:10.000Z', tasks: ['older-0'] }],
    ]),
    fault: undefined,
    calls: [],
  };
  withStore(world, store);
  return { world, store };
}

const untouched = (world: RestoreWorld) => world.untouched(BEFORE);

test('a backup fetched from the store is validated and restored like a local one: Succeeded with its tasks', async () => {
  const { world, store } = storeWorld();
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal([...world.aurora.log].sort(), [...STORED_TASKS].sort());
  assert.equal(store.calls, [{ ordinal: 0, name: STORED }], 'fetched once, to the leader (ordinal 0)');
  const status = world.restore().status;
  assert.is(status?.source?.name, STORED);
  assert.is(status?.source?.pod, 'example-0');
  assert.is(status?.source?.tasks, STORED_TASKS.length);
  const validate = status?.timeline?.find((t) => t.step === 'Validate')?.message ?? '';
  assert.match(validate, /fetched from the object store to example-0 \(downloaded, SHA-256 abababababab/);
});

test('Offline from the store: fetched to ordinal 0, where recovery-tool reads it; Succeeded with its tasks', async () => {
  const { world, store } = storeWorld({ strategy: 'Offline' });
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(store.calls, [{ ordinal: 0, name: STORED }]);
  assert.is(world.restore().status?.source?.pod, 'example-0');
  assert.equal([...world.aurora.log].sort(), [...STORED_TASKS].sort());
});

test('latest from the store restores the newest object and records its name', async () => {
  const { world, store } = storeWorld({ backupId: 'latest' });
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal(
    store.calls.map((c) => c.name),
    ['latest'],
  );
  assert.is(world.restore().status?.source?.name, STORED);
  assert.equal([...world.aurora.log].sort(), [...STORED_TASKS].sort());
});

const TERMINAL_CASES: [AgentErrorCode, string, RegExp][] = [
  ['AGENT_STORE_BACKUP_UNREADABLE', 'BackupUnreadable', /corrupt or was not written by the operator/],
  ['AGENT_STORE_NOT_FOUND', 'BackupNotInStore', /Pick a backupId the store holds/],
  ['AGENT_STORE_FORBIDDEN', 'ObjectStoreForbidden', /spec\.backup\.objectStore of the AuroraCluster/],
  ['AGENT_FETCH_CONFLICT', 'BackupNameConflict', /Move the local file aside/],
  ['AGENT_VOLUME_FULL', 'BackupVolumeFull', /grow spec\.backup\.storage\.size/],
  ['AGENT_STORE_NOT_CONFIGURED', 'NoObjectStore', /runs without store settings/],
];
for (const [code, reason, hint] of TERMINAL_CASES) {
  test(`Validate turns ${code} into TerminalError ${reason}`, async () => {
    const agents = {
      fetchFromStore: async () => Promise.reject(new AgentError(code, `store fault ${code}`)),
    } as unknown as AgentClient;
    const ctx: StepContext = {
      restore: makeRestore({ source: { objectStore: {} } }),
      world: runningWorld({ cluster: makeCluster({ backup: { objectStore: { bucket: 'backups' } } }) }),
      fx: { agents: async () => agents, now: () => new Date() } as unknown as RestoreEffects,
      saveStatus: async () => undefined,
    };
    try {
      await performStep(validate, ctx);
      assert.unreachable('should fail');
    } catch (err) {
      assert.instance(err, TerminalError);
      assert.is((err as TerminalError).reason, reason);
      assert.match((err as Error).message, hint);
    }
  });

  test(`${code} fails the restore at Validate (${reason}) with the cluster untouched`, async () => {
    const { world, store } = storeWorld();
    store.fault = code;
    const log = await world.drive({ maxPasses: 20 });
    assert.equal(log.phases, ['RollingBack', 'Failed']);
    const status = world.restore().status;
    assert.is(status?.error?.step, 'Validate');
    assert.match(status?.error?.message ?? '', /The cluster was not touched/);
    assert.match(status?.error?.message ?? '', hint);
    assert.is(status?.error?.reason, reason, 'the terminal cause is a field of status.error');
    assert.equal(world.summary(), untouched(world));
  });
}

test('a cluster without spec.backup.objectStore fails with NoObjectStore before any agent is asked', async () => {
  const { world, store } = storeWorld({}, false);
  const log = await world.drive({ maxPasses: 20 });
  assert.equal(log.phases, ['RollingBack', 'Failed']);
  assert.match(world.restore().status?.error?.message ?? '', /has no spec\.backup\.objectStore/);
  assert.is(world.restore().status?.error?.reason, 'NoObjectStore');
  assert.equal(store.calls, []);
  assert.equal(world.summary(), untouched(world));
});

test('an unreachable store is a wait at Validate: the phase stays Running, then the restore succeeds', async () => {
  const { world, store } = storeWorld();
  store.fault = 'AGENT_STORE_UNREACHABLE';
  const log = await world.drive({
    maxPasses: 200,
    beforePass: (w) => {
      if (store.calls.length >= 5) store.fault = undefined;
      if (store.fault) assert.equal(w.summary(), untouched(w), 'nothing touched while waiting');
    },
  });
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.ok(store.calls.length >= 6, `retried: ${store.calls.length} calls`);
  assert.equal([...world.aurora.log].sort(), [...STORED_TASKS].sort());
});

test('a crash between the fetch and the status write re-runs Validate: the second fetch is a no-op', async () => {
  const { world, store } = storeWorld();
  // the operator dies right after the download, before Validate's status write
  let failed = false;
  const log = await world.drive({
    faultHook: async (_restore, step, window) => {
      if (failed || step !== 'Validate' || window !== 'after') return false;
      failed = true;
      world.kube.failAfterWrites(0);
      throw new OperatorKilled('the status write');
    },
  });
  assert.ok(failed, 'the fault fired');
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.is(store.calls.length, 2);
  const validate = world.restore().status?.timeline?.find((t) => t.step === 'Validate')?.message ?? '';
  assert.match(validate, /\(already there, SHA-256/);
  assert.is(world.aurora.replica(0).backups.filter((b) => b.name === STORED).length, 1);
  assert.equal([...world.aurora.log].sort(), [...STORED_TASKS].sort());
});

test('the fetch goes to the leading replica (ACTIVE), where Staged stages; Offline fetches to ordinal 0', async () => {
  const asked: string[] = [];
  const agents = {
    fetchFromStore: async (at: { host: string }) => {
      asked.push(at.host);
      return Promise.reject(new AgentError('AGENT_STORE_NOT_FOUND', 'no object'));
    },
  } as unknown as AgentClient;
  const cluster = makeCluster({ backup: { objectStore: { bucket: 'backups' } } });
  const world = runningWorld({ cluster });
  world.pods = world.pods.map((p) => ({ ...p, lifecycle: p.ordinal === 1 ? 'ACTIVE' : 'STORAGE_PREPARED' }));
  for (const strategy of ['Staged', 'Offline']) {
    const ctx: StepContext = {
      restore: makeRestore({ source: { objectStore: {} }, strategy }),
      world,
      fx: { agents: async () => agents, now: () => new Date() } as unknown as RestoreEffects,
      saveStatus: async () => undefined,
    };
    await performStep(validate, ctx).catch((err: unknown) => assert.instance(err, TerminalError));
  }
  assert.equal(asked, ['127.0.9.2', '127.0.9.1']);
});

test.run();
