// Restore from another store (another cluster's): the operator resolves and signs the object with the keys the
// restore names, the agent downloads it through the link, and everything after Validate is the ordinary restore.
// Its refusals are terminal at Validate with the cluster untouched; an unreachable store or a missing Secret waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentClient } from '../../../src/agent/agent-client.ts';
import type { BackupLinkRequest } from '../../../src/agent/agent-api.ts';
import { BOOTSTRAP_OF_LABEL } from '../../../src/api/bootstrap-spec.ts';
import { ObjectStoreError, type ObjectStoreCode } from '../../../src/objectstore/object-store-errors.ts';
import type { SourceStore } from '../../../src/restore/source-store-link.ts';
import { planStoreFetch } from '../../../src/restore/store-source.ts';
import { RestoreWorld } from '../../support/restore-world.ts';
import { makeCluster } from '../resources/cluster-fixture.ts';
import { makeRestore } from './fixtures.ts';

const BEFORE = ['old-prod-web-0', 'old-prod-web-1'];
const LOCAL = 'scheduler-backup-2024-01-31-22-00';
const OTHER = 'scheduler-backup-2024-01-31-23-00';
const OTHER_TASKS = ['their-prod-web-0', 'their-prod-api-0'];
const SHA = 'cd'.repeat(32);
const SOURCE = {
  endpoint: 'https://127.0.0.1:7443',
  bucket: 'their-backups',
  prefix: 'aurora/theirs/',
  credentials: { secretName: 'their-keys' },
};

interface Calls {
  links: { namespace: string; store: SourceStore; nameOrLatest: string }[];
  fetches: { ordinal: number | undefined; name: string; link: BackupLinkRequest }[];
  /** a store fault the operator's reading meets next, cleared by the test */
  fault: ObjectStoreCode | Error | undefined;
}

/** otherStoreWorld: a cluster that ships nowhere restoring from another store through a link. */
function otherStoreWorld(spec: Record<string, unknown> = {}): { world: RestoreWorld; calls: Calls } {
  const world = new RestoreWorld({
    cluster: makeCluster(),
    restore: makeRestore({ backupId: 'latest', source: { objectStore: SOURCE }, ...spec }),
    tasks: BEFORE,
    backup: { id: LOCAL, tasks: ['local-only-0'], ordinal: 1, takenAt: '2024-01-31T22:00:10.000Z', size: 99 },
  });
  const calls: Calls = { links: [], fetches: [], fault: undefined };
  world.linkSource = async (namespace, store, nameOrLatest) => {
    calls.links.push({ namespace, store, nameOrLatest });
    if (calls.fault instanceof Error) throw calls.fault;
    if (calls.fault) throw new ObjectStoreError(calls.fault, `their store: ${calls.fault}`);
    const metadata = {
      sha256: SHA,
      size: 777,
      snapshotTime: '',
      taskCount: 2,
      cluster: 'theirs',
      auroraVersion: '',
    };
    return {
      link: { name: OTHER, metadata, url: 'https://127.0.0.1:7443/their-backups/x?X-Amz-Signature=s' },
    };
  };
  const plain = world.aurora.agents.bind(world.aurora);
  world.aurora.agents = (): AgentClient => ({
    ...plain(),
    async fetchLink(at, name, link) {
      const s = world.aurora.running.find((p) => p.podIP === at.host);
      calls.fetches.push({ ordinal: s?.ordinal, name, link });
      if (!s) throw new Error(`connect ECONNREFUSED ${at.host}`);
      const replica = world.aurora.replica(s.ordinal);
      const present = replica.backups.some((b) => b.name === name);
      if (!present) replica.backups.push({ name, size: link.size, mtime: '2024-01-31T23:00:10.000Z' });
      world.aurora.contents.set(name, OTHER_TASKS);
      return { name, size: link.size, sha256: link.sha256, fetched: !present };
    },
  });
  return { world, calls };
}

const untouched = (world: RestoreWorld) => world.untouched(BEFORE);

test('a cluster that ships nowhere restores the latest backup of another store: Succeeded with its tasks', async () => {
  const { world, calls } = otherStoreWorld();
  const log = await world.drive();
  assert.equal(log.phases, ['Running', 'Succeeded']);
  assert.equal([...world.aurora.log].sort(), [...OTHER_TASKS].sort());
  assert.equal(calls.links, [
    {
      namespace: 'aurora',
      store: {
        ...SOURCE,
        credentials: {
          ...SOURCE.credentials,
          accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
          secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
        },
      },
      nameOrLatest: 'latest',
    },
  ]);
  // the agent got the resolved name, the digest the operator read, and no keys
  assert.equal(
    calls.fetches.map((f) => [f.ordinal, f.name, f.link.sha256, f.link.size]),
    [[0, OTHER, SHA, 777]],
  );
  assert.not.match(JSON.stringify(calls.fetches), /their-keys|secretAccessKey/);
  const status = world.restore().status;
  assert.is(status?.source?.name, OTHER);
  const validate = status?.timeline?.find((t) => t.step === 'Validate')?.message ?? '';
  assert.match(
    validate,
    /from s3:\/\/their-backups\/aurora\/theirs\/ to example-0 \(downloaded through a signed link/,
  );
});

const TERMINAL: [ObjectStoreCode, string, RegExp][] = [
  ['OBJECT_NOT_FOUND', 'BackupNotInStore', /Pick a backupId the store holds/],
  ['OBJECT_STORE_FORBIDDEN', 'ObjectStoreForbidden', /spec\.source\.objectStore of the restore/],
  ['OBJECT_STORE_NO_SUCH_BUCKET', 'ObjectStoreForbidden', /credentials Secret/],
  ['OBJECT_STORE_TLS', 'ObjectStoreForbidden', /caBundle/],
  ['OBJECT_METADATA_MISSING', 'BackupUnreadable', /not written by the operator/],
];
for (const [code, reason, hint] of TERMINAL) {
  test(`the other store answering ${code} fails the restore at Validate (${reason}), nothing fetched or touched`, async () => {
    const { world, calls } = otherStoreWorld();
    calls.fault = code;
    const log = await world.drive({ maxPasses: 20 });
    assert.equal(log.phases, ['RollingBack', 'Failed']);
    const status = world.restore().status;
    assert.is(status?.error?.step, 'Validate');
    assert.is(status?.error?.reason, reason);
    assert.match(status?.error?.message ?? '', new RegExp(`\\(${reason}\\)`));
    assert.match(status?.error?.message ?? '', hint);
    assert.equal(calls.fetches, []);
    assert.equal(world.summary(), untouched(world));
  });
}

for (const fault of ['OBJECT_STORE_UNREACHABLE', 'a missing Secret'] as const) {
  test(`${fault} is a wait at Validate: the phase stays Running, then the restore succeeds`, async () => {
    const { world, calls } = otherStoreWorld();
    calls.fault =
      fault === 'a missing Secret'
        ? new Error('waiting for Secret aurora/their-keys, which the restore names')
        : fault;
    const log = await world.drive({
      maxPasses: 200,
      beforePass: (w) => {
        if (calls.links.length >= 4) calls.fault = undefined;
        if (calls.fault) assert.equal(w.summary(), untouched(w), 'nothing touched while waiting');
      },
    });
    assert.equal(log.phases, ['Running', 'Succeeded']);
    assert.ok(calls.links.length >= 5, `retried: ${calls.links.length} links`);
    assert.equal([...world.aurora.log].sort(), [...OTHER_TASKS].sort());
  });
}

test('planStoreFetch: {} is the own store, bucket and prefix another; a bootstrap by its connection', () => {
  const own = { bucket: 'ours', endpoint: 'https://127.0.0.1:7443', forcePathStyle: true };
  const cluster = (from: typeof own) =>
    makeCluster({
      backup: { objectStore: own },
      bootstrap: { fromBackup: { backupId: 'latest', objectStore: { ...from, prefix: 'aurora/lost/' } } },
    });
  const restore = (source: Record<string, unknown>, label = false) => {
    const r = makeRestore({ source: { objectStore: source } });
    return label ? { ...r, metadata: { ...r.metadata, labels: { [BOOTSTRAP_OF_LABEL]: 'example' } } } : r;
  };
  assert.equal(planStoreFetch(makeCluster({ backup: { objectStore: own } }), restore({})), { kind: 'own' });
  const other = planStoreFetch(makeCluster(), restore(SOURCE));
  assert.is(other.kind, 'other');
  assert.is(other.kind === 'other' && other.store.bucket, 'their-backups');
  assert.equal(planStoreFetch(cluster(own), restore({}, true)), { kind: 'own', prefix: 'aurora/lost/' });
  const elsewhere = planStoreFetch(cluster({ ...own, bucket: 'lost-backups' }), restore({}, true));
  assert.equal(
    elsewhere.kind === 'other' && [elsewhere.namespace, elsewhere.store.bucket, elsewhere.store.prefix],
    ['aurora', 'lost-backups', 'aurora/lost/'],
  );
  // an unlabelled restore of a bootstrapped cluster reads the cluster's own store, not the bootstrap's
  assert.equal(planStoreFetch(cluster({ ...own, bucket: 'lost-backups' }), restore({})), { kind: 'own' });
});

test.run();
