// The impact of a restore before anything is touched (issue 22): tasks created since the backup are listed as
// killed and tasks rescheduled since as rescheduled, the approver sees the summary, and after the restore the tasks
// are exactly the backup's. A backup older than maxBackupAge fails Validate with BackupTooOld, cluster untouched;
// acceptBackupAge lets it through, and `latest` records the backup it picked.
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RestoreImpact } from '../../src/api/restore-impact.ts';
import { getJobs, getQuota } from '../../src/aurora/admin-client.ts';
import { ACTIVE_STATES } from '../../src/thrift/api-types.ts';
import { getCluster, waitFor, type E2eEnv } from './harness.ts';
import {
  assertRestoredCluster,
  createRestore,
  FIRST_JOB,
  getRestore,
  leaderAdmin,
  NS,
  REPLICAS,
  startRestoreEnv,
  takeBackup,
  taskIds,
  waitClusterReady,
  waitPhase,
  wipeCount,
} from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('restore-impact', {});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

test.before(async (ctx) => {
  // startRestoreEnv leaves job A (FIRST_JOB, 2 instances) running
  ctx.env = await startRestoreEnv('127.0.3.23');
  // no rehearsal restores (on by default after each new backup): their pod and NetworkPolicy are not the restore's
  await ctx.env.kubectl([
    '-n',
    NS,
    'patch',
    'auroracluster',
    'example',
    '--type=merge',
    '-p',
    '{"spec":{"backup":{"verify":{"enabled":false}}}}',
  ]);
  await waitClusterReady(ctx.env);
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

const A = FIRST_JOB;
const B = { role: 'www', environment: 'prod', name: 'job-b' };
const C = { role: 'batch', environment: 'prod', name: 'job-c' };
const NIGHTLY = {
  key: { role: 'batch', environment: 'prod', name: 'nightly' },
  cronSchedule: '0 2 * * *',
  instanceCount: 1,
  taskConfig: { isService: false },
};
const quota = (cpus: number) => ({ resources: [{ numCpus: cpus }, { ramMb: 1024 }, { diskMb: 512 }] });
const QUOTA_TEXT = (cpus: number): string => `cpus ${cpus}, ram 1024 MiB, disk 512 MiB`;
const key = (k: { role: string; environment: string; name: string }): string =>
  `${k.role}/${k.environment}/${k.name}`;

interface ImpactRestore {
  metadata: { uid: string };
  status?: {
    phase?: string;
    source?: { name?: string; snapshotAt?: string };
    impact?: RestoreImpact;
    error?: { step?: string; message?: string };
    conditions?: Array<{ type: string; message?: string }>;
    timeline?: Array<{ step: string; startedAt?: string; finishedAt?: string }>;
  };
}

async function restoreJson(e: E2eEnv, name: string): Promise<ImpactRestore> {
  return (await getRestore(e, name)) as unknown as ImpactRestore;
}

/** plugin runs `kubectl aurora <args>` with the environment's kubeconfig and returns its output. */
function plugin(e: E2eEnv, args: readonly string[]): Promise<string> {
  return e.kubectlAurora(args);
}

/** activeIds: the ids of a job's active tasks on the leader. */
async function activeIds(e: E2eEnv, job: typeof A): Promise<string[]> {
  const tasks = await (await leaderAdmin(e)).getTasksWithoutConfigs({ jobKeys: [job] });
  return tasks
    .filter((t) => ACTIVE_STATES.includes(t.status))
    .map((t) => t.assignedTask.taskId)
    .sort();
}

/** jobStates describes a job's tasks on the leader (status by id) and the leader's name, for failure messages. */
async function jobStates(e: E2eEnv, job: typeof A): Promise<string> {
  const cluster = (await getCluster(e, NS, 'example')) as { status?: { leader?: string } };
  const tasks = await (
    await leaderAdmin(e)
  )
    .getTasksWithoutConfigs({ jobKeys: [job] })
    .catch((err: unknown) => String(err));
  const states =
    typeof tasks === 'string' ? tasks : tasks.map((t) => `${t.assignedTask.taskId}=${t.status}`).join(', ');
  return `leader ${cluster.status?.leader ?? 'none'}: [${states}]`;
}

/** reschedule kills every instance of a job and creates it again: same job and instances, new task ids. */
async function reschedule(e: E2eEnv, job: typeof A, instances: number): Promise<void> {
  const admin = await leaderAdmin(e);
  await admin.killTasks(job, [...Array(instances).keys()]);
  await waitFor(`${key(job)} killed`, 60_000, async () =>
    (await activeIds(e, job)).length === 0 ? true : undefined,
  );
  await admin.createJob({ key: job, instanceCount: instances, taskConfig: { isService: true } });
}

test('the impact lists tasks created and rescheduled since the backup before any step; approval shows it', async (ctx) => {
  const e = env(ctx);
  const admin = await leaderAdmin(e);
  await admin.createJob({ key: B, instanceCount: 1, taskConfig: { isService: true } });
  // a leader change after the spec patch may briefly hide the tasks; lost tasks still fail here after a minute
  let seen = 'nothing yet';
  const aBefore = await waitFor('job A active on the leader', 60_000, async () => {
    const ids = await activeIds(e, A).catch(() => []);
    if (ids.length !== 2) seen = await jobStates(e, A);
    return ids.length === 2 ? ids : undefined;
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}; last seen: ${seen}`);
  });
  assert.is(aBefore.length, 2, 'job A runs two instances');
  await admin.call('setQuota', { ownerRole: 'www', quota: quota(4) });
  const { backupId, tasks } = await takeBackup(e);
  // after the backup: job C is created, job A's tasks are rescheduled, a cron job is scheduled, www's quota grows
  await admin.createJob({ key: C, instanceCount: 3, taskConfig: { isService: true } });
  await reschedule(e, A, 2);
  await admin.call('scheduleCronJob', { description: NIGHTLY });
  await admin.call('setQuota', { ownerRole: 'www', quota: quota(8) });
  const cIds = await activeIds(e, C);
  const aAfter = await activeIds(e, A);
  assert.is(cIds.length, 3);
  assert.not.equal(aAfter, aBefore, "A's tasks have new ids");

  // restore-plan shows the same impact without creating anything
  const plan = JSON.parse(
    await plugin(e, ['restore-plan', 'example', '--backup', backupId, '-n', NS, '-o', 'json']),
  ) as { impact: RestoreImpact; source: { name?: string } };
  assert.is(plan.source.name, backupId);
  assert.equal(plan.impact.killed?.taskIds, cIds);
  assert.equal(plan.impact.rescheduled?.taskIds, aBefore);
  assert.equal(plan.impact.cronJobs?.added, { count: 1, jobs: [key(NIGHTLY.key)] });
  assert.equal(plan.impact.quotas?.changed, [{ role: 'www', backup: QUOTA_TEXT(4), live: QUOTA_TEXT(8) }]);
  assert.is(
    (await e.kubectl(['-n', NS, 'get', 'aurorarestore', '-o', 'name'])).trim(),
    '',
    'nothing created',
  );

  await createRestore(e, 'impact', { backupId, approval: { required: true } });
  await waitPhase(e, 'impact', 'AwaitingApproval', 300_000);
  const waiting = await restoreJson(e, 'impact');
  const impact = waiting.status?.impact;
  assert.ok(impact?.known, `the impact is known: ${impact?.reason}`);
  assert.is(impact.backup, backupId);
  assert.equal(impact.killed?.byJob, { [key(C)]: 3 }, 'C was created after the backup: killed');
  assert.equal(impact.killed?.taskIds, cIds);
  assert.equal(impact.killed?.byRole, { batch: 3 });
  assert.equal(impact.rescheduled?.byJob, { [key(A)]: 2 }, "A's tasks were rescheduled since");
  assert.equal(impact.rescheduled?.taskIds, aBefore, "counted by the backup's task ids");
  assert.is(impact.changedJobs?.count, 0);
  assert.equal(impact.cronJobs?.added, { count: 1, jobs: [key(NIGHTLY.key)] }, 'scheduled since the backup');
  assert.is(impact.cronJobs?.count, 1);
  assert.equal(impact.quotas?.changed, [{ role: 'www', backup: QUOTA_TEXT(4), live: QUOTA_TEXT(8) }]);
  assert.is(impact.notCompared, undefined, 'cron jobs and quotas were read');
  assert.match(impact.summary ?? '', '; 1 cron job and 1 quota change;');
  // recorded before any step touched the cluster: Impact finished before Lock started
  const timeline = waiting.status?.timeline ?? [];
  const impactStep = timeline.find((t) => t.step === 'Impact');
  const lockStep = timeline.find((t) => t.step === 'Lock');
  assert.ok(impactStep?.finishedAt && lockStep?.startedAt && impactStep.finishedAt <= lockStep.startedAt);
  assert.ok((impact.computedAt ?? '') <= (lockStep?.startedAt ?? ''), 'computed before the lock');
  const summary = 'will kill 3 tasks in 1 job created after the backup; 2 tasks rescheduled since';
  assert.match(impact.summary ?? '', summary);
  const progressing = waiting.status?.conditions?.find((c) => c.type === 'Progressing')?.message ?? '';
  assert.match(progressing, summary, 'the AwaitingApproval message summarizes the impact');
  const events = await e.kubectl([
    '-n',
    NS,
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=impact,reason=AwaitingApproval',
    '-o',
    'jsonpath={.items[*].message}',
  ]);
  assert.match(events, summary, 'an event carries the summary');
  const report = await plugin(e, ['diagnose', 'example', '-n', NS, '--no-probe']);
  assert.match(
    report,
    /Pending restore impact of scheduler-backup-.* \(phase AwaitingApproval, step Approval\)/,
  );
  assert.match(report, summary, 'diagnose shows the impact of the pending restore');

  await e.kubectl([
    '-n',
    NS,
    'patch',
    'aurorarestore',
    'impact',
    '--type=merge',
    '-p',
    '{"spec":{"approval":{"approved":true}}}',
  ]);
  await waitPhase(e, 'impact', 'Succeeded', 300_000);
  await assertRestoredCluster(e, tasks);
  assert.equal(await activeIds(e, C), [], 'C is gone');
  const restored = await leaderAdmin(e);
  assert.equal(
    (await getJobs(restored)).filter((j) => j.cronSchedule).map((j) => key(j.key)),
    [],
    'the cron job scheduled after the backup is gone',
  );
  assert.ok(
    (await getQuota(restored, 'www')).some((r) => 'numCpus' in r && r.numCpus === 4),
    "www's quota is the backup's again",
  );
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'impact', '--wait=true', '--timeout=60s']);
});

test('a backup older than maxBackupAge fails Validate with BackupTooOld, untouched; acceptBackupAge and latest proceed', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  // the backup grows older than 1secs by waiting, not by a faked clock
  await sleep(3000);
  const before = await taskIds(e);
  const schedulers = ['example-0', 'example-1', 'example-2'];
  const uidsOf = () =>
    e.kubectl(['-n', NS, 'get', 'pods', ...schedulers, '-o', 'jsonpath={.items[*].metadata.uid}']);
  const podUids = await uidsOf();
  await createRestore(e, 'stale', { backupId, maxBackupAge: '1secs' });
  const failed = (await waitPhase(e, 'stale', 'Failed', 120_000)) as unknown as ImpactRestore;
  assert.is(failed.status?.error?.step, 'Validate');
  assert.match(failed.status?.error?.message ?? '', /older than spec.maxBackupAge 1secs/);
  assert.match(
    failed.status?.error?.message ?? '',
    /spec.acceptBackupAge: true or a larger spec.maxBackupAge/,
  );
  const reasons = await e.kubectl([
    '-n',
    NS,
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=stale,reason=RestoreFailed',
    '-o',
    'jsonpath={.items[*].message}',
  ]);
  assert.match(reasons, 'Validate: backup');
  assert.equal(
    (failed.status?.timeline ?? [])
      .map((t) => t.step)
      .filter((s) => s !== 'Validate' && !s.startsWith('Cancel')),
    [],
    'no step after Validate ran',
  );
  assert.equal(await taskIds(e), before, 'the tasks are untouched');
  assert.is(await uidsOf(), podUids, 'no scheduler pod was restarted');
  const cluster = (await getCluster(e, NS, 'example')) as {
    metadata?: { annotations?: Record<string, string> };
  };
  assert.not.ok(
    Object.keys(cluster.metadata?.annotations ?? {}).some((k) => k.includes('restore-lock')),
    'never locked',
  );
  for (let i = 0; i < REPLICAS; i++)
    assert.is(wipeCount(e, i, failed.metadata.uid), 0, `example-${i} not wiped`);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'stale', '--wait=true', '--timeout=60s']);

  await createRestore(e, 'accepted', { backupId: 'latest', maxBackupAge: '1secs', acceptBackupAge: true });
  const done = (await waitPhase(e, 'accepted', 'Succeeded', 300_000)) as unknown as ImpactRestore;
  assert.is(done.status?.source?.name, backupId, 'latest recorded the newest backup');
  assert.ok(done.status?.impact, 'the impact is still recorded');
  await assertRestoredCluster(e, tasks);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'accepted', '--wait=true', '--timeout=60s']);
});

test.run();
