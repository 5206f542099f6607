// computeImpact from two task sets: killed, rescheduled and changed-config tasks, cron jobs and quotas, counts and
// truncation, and an impact that is unknown rather than empty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BackupSummary, TaskSummary } from '../../../src/aurora/backup-summary.ts';
import { computeImpact, unknownImpact } from '../../../src/restore/impact.ts';
import { summarizeImpact } from '../../../src/restore/impact-summary.ts';

const now = new Date('2024-02-01T02:10:00Z');
const TAKEN = Date.parse('2024-02-01T00:00:00Z');

const task = (id: string, job: string, instance: number, extra: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  job,
  instance,
  status: 'RUNNING',
  host: 'h1',
  config: 'c1',
  ...extra,
});

const backupOf = (tasks: TaskSummary[], extra: Partial<BackupSummary> = {}): BackupSummary => ({
  name: 'scheduler-backup-2024-02-01-00-00',
  size: 100,
  timestamp: TAKEN,
  tasks,
  cronJobs: [],
  quotas: [],
  ...extra,
});

const A = 'www/prod/a';
const B = 'www/prod/b';
const C = 'batch/prod/c';

test('jobs created since are killed, a rescheduled task is counted once, configs compared by digest', () => {
  const backup = backupOf([
    task('a-0', A, 0),
    task('a-1', A, 1),
    task('b-0', B, 0),
    task('b-old', B, 1, { status: 'FINISHED' }),
  ]);
  const live = [
    task('a-0', A, 0),
    task('a-1-new', A, 1, { host: 'h2' }), // rescheduled since: same job and instance, another id
    task('b-0', B, 0, { config: 'c2' }), // B's configuration changed since
    task('c-0', C, 0),
    task('c-1', C, 1),
    task('c-done', C, 2, { status: 'KILLED' }), // history, not something the restore kills
  ];
  const impact = computeImpact(backup, { tasks: live }, now, { leader: 'example-0' });
  assert.is(impact.known, true);
  assert.is(impact.leader, 'example-0');
  assert.is(impact.backupAge, '2h10m');
  assert.is(impact.backupTasks, 3);
  assert.is(impact.liveTasks, 5);
  assert.equal(impact.killed, {
    count: 2,
    jobs: 1,
    byRole: { batch: 2 },
    byJob: { [C]: 2 },
    taskIds: ['c-0', 'c-1'],
  });
  assert.equal(impact.rescheduled, {
    count: 1,
    jobs: 1,
    byRole: { www: 1 },
    byJob: { [A]: 1 },
    taskIds: ['a-1'],
  });
  assert.equal(impact.changedJobs, { count: 1, jobs: [B] });
  assert.equal(impact.notCompared, [
    { part: 'cronJobs', reason: 'not read' },
    { part: 'quotas', reason: 'not read' },
  ]);
  assert.is(
    impact.summary,
    'will kill 2 tasks in 1 job created after the backup; 1 task rescheduled since (killed and re-created); ' +
      "1 job back to the backup's configuration; backup age 2h10m; " +
      'not compared: cron jobs (not read), quotas (not read)',
  );
});

test('a task that only moved host is rescheduled; a task scheduled since the backup (no host then) is not', () => {
  const backup = backupOf([
    task('a-0', A, 0, { host: 'h1' }),
    task('a-1', A, 1, { status: 'PENDING', host: undefined }),
  ]);
  const { host: _h, ...pending } = backup.tasks[1] as TaskSummary;
  backup.tasks[1] = pending;
  const impact = computeImpact(
    backup,
    { tasks: [task('a-0', A, 0, { host: 'h9' }), task('a-1', A, 1)] },
    now,
  );
  assert.equal(impact.rescheduled?.taskIds, ['a-0']);
  assert.is(impact.killed?.count, 0);
});

test('identical sets: nothing killed, and the summary says so', () => {
  const tasks = [task('a-0', A, 0), task('b-0', B, 0)];
  const impact = computeImpact(backupOf(tasks), { tasks, cronJobs: [], quotas: [] }, now);
  assert.is(impact.killed?.count, 0);
  assert.is(impact.rescheduled?.count, 0);
  assert.is(impact.changedJobs?.count, 0);
  assert.is(impact.notCompared, undefined);
  assert.is(impact.summary, 'kills no task: the live tasks match the backup; backup age 2h10m');
});

test('counts stay complete while ids and jobs are truncated', () => {
  const live = Array.from({ length: 120 }, (_, i) =>
    task(`n-${String(i).padStart(3, '0')}`, `r${i % 3}/prod/j${i % 60}`, i),
  );
  const impact = computeImpact(backupOf([]), { tasks: live }, now, { limit: 5 });
  assert.is(impact.killed?.count, 120);
  assert.is(impact.killed?.jobs, 60);
  assert.equal(impact.killed?.byRole, { r0: 40, r1: 40, r2: 40 });
  assert.is(Object.keys(impact.killed?.byJob ?? {}).length, 50, 'byJob keeps the 50 largest jobs');
  assert.equal(impact.killed?.taskIds, ['n-000', 'n-001', 'n-002', 'n-003', 'n-004']);
  assert.match(impact.summary ?? '', /^will kill 120 tasks in 60 jobs created after the backup/);
});

const cron = (job: string, schedule: string, config = 'x') => ({ job, schedule, config });
const QUOTA = 'cpus 4, ram 8192 MiB, disk 1024 MiB';

test('cron jobs: scheduled since (added), descheduled since (removed), schedule or config changed', () => {
  const backup = backupOf([], {
    cronJobs: [
      cron('www/prod/nightly', '0 2 * * *'),
      cron('www/prod/gone', '0 3 * * *'),
      cron('www/prod/reconfigured', '0 1 * * *', 'x'),
      cron('www/prod/same', '0 6 * * *'),
    ],
  });
  const live = [
    cron('www/prod/nightly', '0 4 * * *'),
    cron('www/prod/new', '0 5 * * *', 'y'),
    cron('www/prod/reconfigured', '0 1 * * *', 'z'),
    cron('www/prod/same', '0 6 * * *'),
  ];
  const impact = computeImpact(backup, { tasks: [], cronJobs: live, quotas: [] }, now);
  assert.equal(impact.cronJobs, {
    count: 4,
    added: { count: 1, jobs: ['www/prod/new'] },
    removed: { count: 1, jobs: ['www/prod/gone'] },
    changed: { count: 2, jobs: ['www/prod/nightly', 'www/prod/reconfigured'] },
  });
  assert.is(impact.notCompared, undefined);
  assert.is(
    impact.summary,
    'kills no task: the live tasks match the backup; 4 cron jobs change; backup age 2h10m',
  );
});

test('cron jobs: instances or collision policy changed count when both sides recorded them', () => {
  const backup = backupOf([], {
    cronJobs: [
      { ...cron('www/prod/wider', '0 2 * * *'), instances: 1, collisionPolicy: 0 },
      { ...cron('www/prod/policy', '0 2 * * *'), instances: 1, collisionPolicy: 0 },
      // written by an agent that did not record them: not a change
      cron('www/prod/older-agent', '0 2 * * *'),
    ],
  });
  const live = [
    { ...cron('www/prod/wider', '0 2 * * *'), instances: 3, collisionPolicy: 0 },
    { ...cron('www/prod/policy', '0 2 * * *'), instances: 1, collisionPolicy: 1 },
    { ...cron('www/prod/older-agent', '0 2 * * *'), instances: 2, collisionPolicy: 1 },
  ];
  const impact = computeImpact(backup, { tasks: [], cronJobs: live, quotas: [] }, now);
  assert.equal(impact.cronJobs?.changed, { count: 2, jobs: ['www/prod/policy', 'www/prod/wider'] });
});

test('cron job lists are truncated, their counts are not', () => {
  const live = Array.from({ length: 30 }, (_, i) =>
    cron(`r/prod/j${String(i).padStart(2, '0')}`, '* * * * *'),
  );
  const impact = computeImpact(backupOf([]), { tasks: [], cronJobs: live, quotas: [] }, now, { limit: 3 });
  assert.equal(impact.cronJobs?.added, { count: 30, jobs: ['r/prod/j00', 'r/prod/j01', 'r/prod/j02'] });
  assert.is(impact.cronJobs?.count, 30);
});

test('quotas: changed, set since the backup, and an unset quota equal to a zero one', () => {
  const backup = backupOf([], {
    quotas: [
      { role: 'www', resources: QUOTA },
      { role: 'gone', resources: 'cpus 1, ram 512 MiB, disk 10 MiB' },
    ],
  });
  const live = [
    { role: 'www', resources: 'cpus 8, ram 8192 MiB, disk 1024 MiB' },
    { role: 'batch', resources: 'cpus 1, ram 512 MiB, disk 10 MiB' },
    // getQuota's answer for a role that has no quota, in the backup or now
    { role: 'idle', resources: 'cpus 0, ram 0 MiB, disk 0 MiB' },
    { role: 'gone', resources: 'cpus 0, ram 0 MiB, disk 0 MiB' },
  ];
  const impact = computeImpact(backup, { tasks: [], cronJobs: [], quotas: live }, now);
  assert.equal(impact.quotas, {
    count: 3,
    changed: [
      { role: 'batch', backup: 'none', live: 'cpus 1, ram 512 MiB, disk 10 MiB' },
      { role: 'gone', backup: 'cpus 1, ram 512 MiB, disk 10 MiB', live: 'none' },
      { role: 'www', backup: QUOTA, live: 'cpus 8, ram 8192 MiB, disk 1024 MiB' },
    ],
  });
  assert.match(impact.summary ?? '', /; 3 quotas change; backup age/);
});

test('one cron job and two quotas: the summary names both', () => {
  const backup = backupOf([], {
    quotas: [
      { role: 'a', resources: QUOTA },
      { role: 'b', resources: QUOTA },
    ],
  });
  const impact = computeImpact(
    backup,
    { tasks: [], cronJobs: [cron('a/prod/c', '0 1 * * *')], quotas: [{ role: 'a', resources: 'cpus 1' }] },
    now,
  );
  assert.is(
    impact.summary,
    'kills no task: the live tasks match the backup; 1 cron job and 2 quotas change; backup age 2h10m',
  );
  const one = computeImpact(
    backupOf([]),
    { tasks: [], cronJobs: [cron('a/prod/c', '* * * * *')], quotas: [] },
    now,
  );
  assert.match(one.summary ?? '', /; 1 cron job changes;/);
});

test('a part that could not be read is not compared, with its reason, and the other still is', () => {
  const backup = backupOf([], { cronJobs: [cron('www/prod/nightly', '0 2 * * *')] });
  const impact = computeImpact(
    backup,
    {
      tasks: [],
      cronJobs: [],
      unread: [{ part: 'quotas', reason: 'getRoleSummary: ERROR_TRANSIENT: Storage is not READY' }],
    },
    now,
  );
  assert.is(impact.quotas, undefined, 'an unread part is absent, not empty');
  assert.equal(impact.cronJobs?.removed, { count: 1, jobs: ['www/prod/nightly'] });
  assert.equal(impact.notCompared, [
    { part: 'quotas', reason: 'getRoleSummary: ERROR_TRANSIENT: Storage is not READY' },
  ]);
  assert.match(
    impact.summary ?? '',
    /1 cron job changes; backup age 2h10m; not compared: quotas \(getRoleSummary: ERROR_TRANSIENT: Storage is not READY\)$/,
  );
});

test('an unread leader gives an unknown impact, never "nothing"', () => {
  const impact = unknownImpact('no scheduler is ACTIVE', { name: 'b', timestamp: TAKEN }, now);
  assert.is(impact.known, false);
  assert.is(impact.killed, undefined);
  assert.is(impact.summary, 'impact unknown (no scheduler is ACTIVE); backup age 2h10m');
  assert.not.match(summarizeImpact(impact), /kills no task/);
});

test.run();
