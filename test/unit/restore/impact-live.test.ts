// The live cron jobs and quotas of the impact, read with the operator's client from the simulator's /api servlet,
// and what is recorded when a part cannot be read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuroraAdminClient } from '../../../src/aurora/admin-client.ts';
import type { BackupSummary } from '../../../src/aurora/backup-summary.ts';
import { computeImpact } from '../../../src/restore/impact.ts';
import { readLiveConfig } from '../../../src/restore/impact-live.ts';
import { startSimApi, type SimApi } from '../thrift/api-server-fixture.ts';

let sim: SimApi;
test.before(async () => {
  sim = await startSimApi();
});
test.after(() => sim.close());
test.before.each(() => sim.reset());

const QUOTA = { resources: [{ numCpus: 4 }, { ramMb: 8192 }, { diskMb: 1024 }] };
const nightly = {
  key: { role: 'batch', environment: 'prod', name: 'nightly' },
  cronSchedule: '0 2 * * *',
  instanceCount: 1,
  taskConfig: { isService: false },
};

const backup = (extra: Partial<BackupSummary> = {}): BackupSummary => ({
  name: 'b',
  size: 1,
  timestamp: Date.parse('2024-02-01T00:00:00Z'),
  tasks: [],
  cronJobs: [],
  quotas: [{ role: 'www', resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB' }],
  ...extra,
});

test('a cron job scheduled and a quota changed since the backup show in the impact', async () => {
  const admin = sim.admin();
  await admin.createJob({
    key: { role: 'www', environment: 'prod', name: 'web' },
    instanceCount: 1,
    taskConfig: {},
  });
  await admin.call('scheduleCronJob', { description: nightly });
  await admin.call('setQuota', {
    ownerRole: 'www',
    quota: { resources: [{ numCpus: 8 }, { ramMb: 8192 }, { diskMb: 1024 }] },
  });
  await admin.call('setQuota', { ownerRole: 'batch', quota: QUOTA });
  const live = await readLiveConfig(admin, backup(), []);
  assert.is(live.unread, undefined);
  assert.equal(
    live.cronJobs?.map((c) => [c.job, c.schedule]),
    [['batch/prod/nightly', '0 2 * * *']],
    'the service job is not a cron job',
  );
  const impact = computeImpact(backup(), { tasks: [], ...live }, new Date('2024-02-01T01:00:00Z'));
  assert.equal(impact.cronJobs?.added, { count: 1, jobs: ['batch/prod/nightly'] });
  assert.equal(impact.quotas?.changed, [
    { role: 'batch', backup: 'none', live: 'cpus 4, ram 8192 MiB, disk 1024 MiB' },
    {
      role: 'www',
      backup: 'cpus 4, ram 8192 MiB, disk 1024 MiB',
      live: 'cpus 8, ram 8192 MiB, disk 1024 MiB',
    },
  ]);
  assert.match(impact.summary ?? '', /1 cron job and 2 quotas change/);
});

test('unchanged cron jobs and quotas: nothing changes, a role without a quota reads as none', async () => {
  const admin = sim.admin();
  await admin.call('scheduleCronJob', { description: nightly });
  await admin.call('setQuota', { ownerRole: 'www', quota: QUOTA });
  const [cron] = (await readLiveConfig(admin, backup(), [])).cronJobs ?? [];
  const same = backup({ cronJobs: cron ? [cron] : [] });
  const live = await readLiveConfig(admin, same, []);
  assert.equal(
    live.quotas?.map((q) => q.role).sort(),
    ['batch', 'www'],
    'roles come from the backup and getRoleSummary',
  );
  const impact = computeImpact(same, { tasks: [], ...live }, new Date());
  assert.is(impact.cronJobs?.count, 0);
  assert.is(impact.quotas?.count, 0);
  assert.is(impact.notCompared, undefined);
});

test('a part that fails is recorded with its reason; the other is still compared', async () => {
  const real = sim.admin();
  const failing = (method: string): AuroraAdminClient => ({
    ...real,
    call: async (m, args) => {
      if (m === method) throw new Error(`${m}: ERROR_TRANSIENT: Storage is not READY`);
      return real.call(m, args);
    },
  });
  const noQuotas = await readLiveConfig(failing('getQuota'), backup(), []);
  assert.equal(noQuotas.unread, [
    { part: 'quotas', reason: 'getQuota: ERROR_TRANSIENT: Storage is not READY' },
  ]);
  assert.equal(noQuotas.cronJobs, []);
  assert.is(noQuotas.quotas, undefined);
  const noCrons = await readLiveConfig(failing('getJobs'), backup(), []);
  assert.equal(noCrons.unread, [
    { part: 'cronJobs', reason: 'getJobs: ERROR_TRANSIENT: Storage is not READY' },
  ]);
  assert.equal(noCrons.quotas, [{ role: 'www', resources: 'cpus 0, ram 0 MiB, disk 0 MiB' }]);
  const impact = computeImpact(backup(), { tasks: [], ...noCrons }, new Date());
  assert.match(
    impact.summary ?? '',
    /not compared: cron jobs \(getJobs: ERROR_TRANSIENT: Storage is not READY\)$/,
  );
  assert.equal(impact.quotas?.changed, [
    { role: 'www', backup: 'cpus 4, ram 8192 MiB, disk 1024 MiB', live: 'none' },
  ]);
});

test.run();
