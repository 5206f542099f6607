// restore-plan and diagnose show a restore's impact: the summary first, killed and rescheduled tasks by job, and an
// unknown impact that says why; pending restores only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPendingRestores } from '../../../src/cli/diagnose-restores.ts';
import { renderImpact } from '../../../src/cli/render-impact.ts';
import { renderPlan, restorePlanCommand } from '../../../src/cli/restore-plan-command.ts';
import { computeImpact, unknownImpact } from '../../../src/restore/impact.ts';

const now = new Date('2024-02-01T02:10:00Z');
const backup = {
  name: 'scheduler-backup-2024-02-01-00-00',
  size: 10,
  timestamp: Date.parse('2024-02-01T00:00:00Z'),
  tasks: [{ id: 'a-0', job: 'www/prod/a', instance: 0, status: 'RUNNING', host: 'h1', config: 'x' }],
  cronJobs: [],
  quotas: [],
};
const live = [
  { id: 'a-0b', job: 'www/prod/a', instance: 0, status: 'RUNNING', host: 'h2', config: 'x' },
  { id: 'c-0', job: 'batch/prod/c', instance: 0, status: 'RUNNING', host: 'h1', config: 'y' },
  { id: 'c-1', job: 'batch/prod/c', instance: 1, status: 'RUNNING', host: 'h1', config: 'y' },
];
const impact = computeImpact(backup, { tasks: live }, now, { leader: 'example-0' });

test('the impact text: summary, killed and rescheduled by job with ids, what was not compared', () => {
  const text = renderImpact(impact);
  assert.match(
    text,
    /^Impact: will kill 2 tasks in 1 job created after the backup; 1 task rescheduled since .*backup age 2h10m/,
  );
  assert.match(
    text,
    /Killed \(created after the backup\): 2 tasks in 1 jobs\n +JOB +TASKS\n +batch\/prod\/c +2\n/,
  );
  assert.match(text, /task ids: c-0, c-1\n/);
  assert.match(text, /Rescheduled since \(killed and re-created\): 1 tasks in 1 jobs/);
  assert.match(text, /Cron jobs: not compared/);
  assert.match(text, /read from example-0/);
});

test('an unknown impact says so and lists nothing as killed', () => {
  const text = renderImpact(unknownImpact('no scheduler is ACTIVE', { name: backup.name }, now));
  assert.is(text, 'Impact: impact unknown (no scheduler is ACTIVE); backup age unknown\n');
});

test('the plan names the backup latest resolved to and says nothing was created', () => {
  const text = renderPlan({
    cluster: 'example',
    backupId: 'latest',
    source: {
      name: backup.name,
      pod: 'example-1',
      size: 10,
      snapshotAt: '2024-02-01T00:00:00.000Z',
      tasks: 1,
    },
    validation: `latest is ${backup.name} on example-1`,
    impact,
  });
  assert.match(
    text,
    /^Restore plan for example from scheduler-backup-2024-02-01-00-00 \(latest\); nothing was/,
  );
  assert.match(text, /Backup: on example-1, 10 bytes, snapshot 2024-02-01T00:00:00.000Z, 1 tasks\n/);
  assert.match(text, /\nImpact: will kill 2 tasks/);
});

test('diagnose lists only the unfinished restores, with their impact or why there is none yet (of this cluster)', () => {
  const text = renderPendingRestores(
    [
      {
        metadata: { name: 'r1' },
        spec: { cluster: 'example', backupId: 'latest' },
        status: { phase: 'AwaitingApproval', step: 'Approval', source: { name: backup.name }, impact },
      },
      { metadata: { name: 'r2' }, spec: { cluster: 'example', backupId: backup.name } },
      { metadata: { name: 'done' }, spec: { cluster: 'example' }, status: { phase: 'Succeeded', impact } },
      { metadata: { name: 'other' }, spec: { cluster: 'other' }, status: { phase: 'Running', impact } },
    ],
    'example',
  );
  assert.match(
    text,
    /Pending restore r1 of scheduler-backup-2024-02-01-00-00 \(phase AwaitingApproval, step Approval\)\n {2}Impact: will kill 2 tasks/,
  );
  assert.match(text, /Pending restore r2 .*\(phase Pending, step -\)\n {2}Impact: not computed yet/);
  assert.not.match(text, /done|other/);
  assert.is(renderPendingRestores([], 'example'), '');
});

test('restore-plan needs a cluster and --backup, and -o text or json', async () => {
  const err: string[] = [];
  const io = {
    stdout: () => undefined,
    stderr: (s: string) => void err.push(s),
    readFile: async () => '',
    readStdin: async () => '',
  };
  assert.is(await restorePlanCommand.run(['example'], io), 2);
  assert.is(await restorePlanCommand.run(['example', '--backup', 'latest', '-o', 'yaml'], io), 2);
  assert.match(err.join(''), /usage: aurora-operator restore-plan <cluster> --backup <id\|latest>/);
});

test.run();
