// The rehearsal's step table and what it leaves in the status: start (checkpoint first), each step's action, the
// failures (unreadable, tasks differ, scheduler exits, timeout, refused), abandonment, and clean-up before a result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RehearsalStatus } from '../../../src/api/aurora-cluster.ts';
import { compareTasks } from '../../../src/cluster/rehearsal-compare.ts';
import { computeRehearsalStatus } from '../../../src/cluster/rehearsal-status.ts';
import {
  planRehearsal,
  REHEARSAL_TIMEOUT_MS,
  type RehearsalInput,
  type RehearsalWorld,
} from '../../../src/cluster/rehearsal-steps.ts';
import { cluster } from './fixtures.ts';

const now = new Date('2026-12-06T04:00:00Z');
const BACKUP = {
  name: 'scheduler-backup-2026-12-06-03-00',
  takenAt: '2026-12-06T03:00:00Z',
  replica: 'example-0',
};
const READY = [
  { type: 'Ready', status: 'True' as const, reason: 'Ready', message: '', lastTransitionTime: '' },
];

function input(
  rehearsal: RehearsalStatus | undefined,
  world: Partial<RehearsalWorld> = {},
  more: Partial<RehearsalInput> = {},
): RehearsalInput {
  const c = cluster({ conditions: READY, ...(rehearsal ? { backups: { rehearsal } } : {}) });
  const base: RehearsalWorld = {
    checkpoint: rehearsal as RehearsalStatus,
    pod: undefined,
    networkPolicy: false,
    zkNodes: false,
    placed: false,
  };
  return {
    cluster: c,
    world: rehearsal ? { ...base, ...world } : undefined,
    newestBackup: BACKUP,
    blockedBy: undefined,
    isolationProblem: undefined,
    now,
    ...more,
  };
}

const at = (phase: RehearsalStatus['phase'], extra: Partial<RehearsalStatus> = {}): RehearsalStatus => ({
  phase,
  backup: BACKUP.name,
  replica: 'example-0',
  startedAt: '2026-12-06T03:58:00Z',
  ...extra,
});
const pod = { uid: 'p1', podIP: '127.0.3.40', deleting: false, agentReady: true };

test('a due rehearsal first writes its checkpoint and acts only on the next pass', () => {
  const plan = planRehearsal(input(undefined));
  assert.equal(plan.checkpoint, {
    phase: 'Planned',
    backup: BACKUP.name,
    replica: 'example-0',
    startedAt: now.toISOString(),
  });
  assert.is(plan.action.kind, 'none');
});

test('no rehearsal starts during a restore or a scaling change, on a cluster not Ready, or without a backup', () => {
  assert.is(
    planRehearsal(input(undefined, {}, { blockedBy: 'AuroraRestore r holds the cluster' })).checkpoint,
    undefined,
  );
  assert.is(
    planRehearsal(input(undefined, {}, { notReady: 'the cluster is not Ready' })).checkpoint,
    undefined,
  );
  assert.is(planRehearsal(input(undefined, {}, { newestBackup: undefined })).checkpoint, undefined);
});

test('an isolation problem refuses the rehearsal before anything is created', () => {
  const plan = planRehearsal(input(undefined, {}, { isolationProblem: 'paths overlap' }));
  assert.is(plan.checkpoint, undefined);
  assert.is(plan.finished?.outcome?.reason, 'RehearsalRefused');
  const refusedLater = planRehearsal(input(at('Planned'), {}, { isolationProblem: 'paths overlap' }));
  assert.is(refusedLater.checkpoint?.phase, 'CleanUp');
  assert.is(refusedLater.checkpoint?.outcome?.reason, 'RehearsalRefused');
});

test('the steps run in order: isolate, pod, copy, await storage, compare, clean up', () => {
  assert.equal(planRehearsal(input(at('Planned'))).action, { kind: 'isolate' });
  const isolated = { networkPolicy: true };
  assert.equal(planRehearsal(input(at('Isolate', { tasks: 3 }), isolated)).action, { kind: 'create-pod' });
  const starting = { ...isolated, pod: { ...pod, agentReady: false } };
  assert.equal(planRehearsal(input(at('StartScheduler', { tasks: 3 }), starting)).action, { kind: 'none' });
  assert.equal(planRehearsal(input(at('StartScheduler', { tasks: 3 }), { ...isolated, pod })).action, {
    kind: 'copy-backup',
    host: '127.0.3.40',
  });
  const placed = { ...isolated, pod, placed: true, lifecycle: 'STORAGE_PREPARED' };
  const waiting = planRehearsal(input(at('PlaceBackup', { tasks: 3 }), placed));
  assert.is(waiting.checkpoint?.phase, 'AwaitStorage');
  assert.is(waiting.action.kind, 'none');
  const ready = { ...placed, lifecycle: 'LEADER_AWAITING_REGISTRATION' };
  assert.equal(planRehearsal(input(at('AwaitStorage', { tasks: 3 }), ready)).action, {
    kind: 'compare',
    host: '127.0.3.40',
  });
  const outcome = { verified: true, reason: 'RehearsalSucceeded', message: '3 tasks' };
  const cleaning = planRehearsal(input(at('CleanUp', { tasks: 3, outcome }), ready));
  assert.equal(cleaning.action, { kind: 'clean-up' });
  assert.equal(cleaning.checkpoint?.outcome, outcome);
  const gone = planRehearsal(
    input(at('CleanUp', { tasks: 3, outcome }), { pod: undefined, networkPolicy: false, zkNodes: false }),
  );
  assert.is(gone.checkpoint, undefined);
  assert.equal(gone.finished?.outcome, outcome);
  // a ZooKeeper node left behind keeps the rehearsal in CleanUp
  assert.is(planRehearsal(input(at('CleanUp', { outcome }), { zkNodes: true })).checkpoint?.phase, 'CleanUp');
});

test('a scheduler that exits, a timeout and a restore end the rehearsal in CleanUp', () => {
  const exited = {
    networkPolicy: true,
    pod: { ...pod, schedulerExit: { exitCode: 1, reason: 'Error' } },
    placed: true,
  };
  const died = planRehearsal(input(at('AwaitStorage', { tasks: 3 }), exited));
  assert.equal(died.action, { kind: 'clean-up' });
  assert.is(died.checkpoint?.outcome?.reason, 'SchedulerWouldNotStart');
  assert.match(died.checkpoint?.outcome?.message ?? '', /exited with code 1/);
  const late = new Date(Date.parse('2026-12-06T03:58:00Z') + REHEARSAL_TIMEOUT_MS + 1);
  const timedOut = planRehearsal(
    input(at('AwaitStorage', { tasks: 3 }), { networkPolicy: true, pod }, { now: late }),
  );
  assert.is(timedOut.checkpoint?.outcome?.reason, 'RehearsalTimedOut');
  const restore = planRehearsal(
    input(at('PlaceBackup'), { pod }, { blockedBy: 'AuroraRestore r holds the cluster' }),
  );
  assert.is(restore.checkpoint?.phase, 'CleanUp');
  assert.is(restore.checkpoint?.outcome, undefined, 'abandoned, not failed');
});

test('comparison: equal ids and job keys match; missing, extra, moved tasks and counts differ', () => {
  const t = (id: string, job = 'www/prod/hello') => ({
    id,
    job,
    instance: 0,
    status: 'RUNNING',
    config: 'c',
  });
  assert.ok(
    compareTasks(
      [t('a'), t('b')],
      [
        { id: 'b', job: 'www/prod/hello' },
        { id: 'a', job: 'www/prod/hello' },
      ],
    ).matches,
  );
  const diff = compareTasks(
    [t('a'), t('b'), t('c')],
    [
      { id: 'a', job: 'www/prod/other' },
      { id: 'b', job: 'www/prod/hello' },
      { id: 'x', job: 'www/prod/hello' },
    ],
  );
  assert.not.ok(diff.matches);
  assert.equal([diff.missing, diff.extra, diff.moved], [['c'], ['x'], ['a']]);
  assert.match(diff.message, /1 missing \(c\); 1 not in the backup \(x\); 1 under another job key \(a\)/);
  const dup = compareTasks(
    [t('a')],
    [
      { id: 'a', job: 'www/prod/hello' },
      { id: 'a', job: 'www/prod/hello' },
    ],
  );
  assert.not.ok(dup.matches, 'a task read back twice is not the backup');
});

test('status: a verified backup sets BackupsVerified True and lastVerified; a failure False, the counter and an event once repeated', () => {
  const outcome = { verified: true, reason: 'RehearsalSucceeded', message: '3 tasks' };
  const finished = at('CleanUp', { tasks: 3, takenAt: '2026-12-06T03:00:00Z', outcome });
  const ok = computeRehearsalStatus({ cluster: cluster(), checkpoint: undefined, finished, now });
  assert.equal(ok.backups, { lastVerified: { name: BACKUP.name, at: now.toISOString(), tasks: 3 } });
  assert.is(ok.condition?.status, 'True');
  assert.match(ok.condition?.message ?? '', /scheduler-backup-2026-12-06-03-00, taken 1h0m before.*3 tasks/);
  const bad = at('CleanUp', {
    outcome: { verified: false, reason: 'BackupUnreadable', message: 'truncated' },
  });
  const first = computeRehearsalStatus({ cluster: cluster(), checkpoint: undefined, finished: bad, now });
  assert.is(first.condition?.status, 'False');
  assert.is(first.condition?.reason, 'BackupUnreadable');
  assert.is(first.backups.verificationFailures, 1);
  assert.is(first.event, undefined, 'the transition to False records its own event');
  const before = cluster({
    conditions: [
      {
        type: 'BackupsVerified',
        status: 'False',
        reason: 'BackupUnreadable',
        message: '',
        lastTransitionTime: '',
      },
    ],
    backups: { verificationFailures: 1, lastVerified: { name: 'older', at: '2026-12-05T00:00:00Z' } },
  });
  const again = computeRehearsalStatus({ cluster: before, checkpoint: undefined, finished: bad, now });
  assert.is(again.backups.verificationFailures, 2);
  assert.is(again.backups.lastVerified?.name, 'older', 'a failure keeps the last verified backup');
  assert.is(again.event?.reason, 'BackupUnreadable');
  const abandoned = computeRehearsalStatus({
    cluster: before,
    checkpoint: undefined,
    finished: at('CleanUp'),
    now,
  });
  assert.is(abandoned.condition, undefined);
  assert.is(abandoned.backups.verificationFailures, 1);
});

test.run();
