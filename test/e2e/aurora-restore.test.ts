// AuroraRestore end to end: Staged and Offline restores, approval, cancellation, a missing backup, and the operator
// killed after every step's action, on the local environment with the operator installed by its Helm chart.
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OFFLINE_STEPS } from '../../src/restore/offline-steps.ts';
import { STAGED_STEPS } from '../../src/restore/staged-steps.ts';
import { conditionOf, getCluster, waitFor, type E2eEnv, SCHEDULERS } from './harness.ts';
import {
  assertRestoredCluster,
  createJob,
  CRASHED,
  createRestore,
  EXIT_AT,
  getRestore,
  markersOf,
  NS,
  REPLICAS,
  type RestoreJson,
  startRestoreEnv,
  takeBackup,
  taskIds,
  waitPhase,
  wipeCount,
} from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('aurora-restore', {});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

test.before(async (ctx) => {
  ctx.env = await startRestoreEnv('127.0.3.3');
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

type TimelineEntry = { step: string; startedAt?: string; finishedAt?: string };

/** timelineOf: the restore's timeline, which must name exactly `steps` in that order, each one finished. */
function timelineOf(r: RestoreJson, steps: readonly string[]): Map<string, Required<TimelineEntry>> {
  const timeline = (r.status?.timeline ?? []) as TimelineEntry[];
  assert.equal(
    timeline.map((t) => t.step),
    steps,
    'the timeline holds every step once, in order',
  );
  const byStep = new Map<string, Required<TimelineEntry>>();
  for (const t of timeline) {
    assert.ok(t.startedAt && t.finishedAt, `${t.step} started and finished`);
    byStep.set(t.step, { step: t.step, startedAt: t.startedAt, finishedAt: t.finishedAt });
  }
  return byStep;
}

interface PodSeen {
  name: string;
  uid: string;
  created: string;
}

/** withPodsSeen polls the cluster's pods while `work` runs: every pod incarnation seen, with its creation time. */
async function withPodsSeen<T>(e: E2eEnv, work: Promise<T>): Promise<{ result: T; pods: PodSeen[] }> {
  const seen = new Map<string, PodSeen>();
  let working = true;
  const poll = async (): Promise<void> => {
    while (working) {
      const list = JSON.parse(await e.kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'json'])) as {
        items: Array<{ metadata: { name: string; uid: string; creationTimestamp: string } }>;
      };
      for (const { metadata: m } of list.items)
        seen.set(m.uid, { name: m.name, uid: m.uid, created: m.creationTimestamp });
      await sleep(500);
    }
  };
  // a failed poll fails the test once the work is over, never unnoticed
  const polling = poll().then(
    () => undefined,
    (err: unknown) => err,
  );
  const result = await work.finally(() => {
    working = false;
  });
  const failure = await polling;
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return { result, pods: [...seen.values()] };
}

// creationTimestamp has whole seconds, so step times are compared at that resolution
const wholeSecond = (iso: string): number => Math.floor(Date.parse(iso) / 1000) * 1000;

// the step tables' order is pinned by the unit tests; here the restore must have run every step of its table
const STAGED_ORDER = STAGED_STEPS.map((step) => step.name);
const OFFLINE_ORDER = OFFLINE_STEPS.map((step) => step.name);

test('a backup that exists nowhere fails at validation with a clear message and the cluster untouched', async (ctx) => {
  const e = env(ctx);
  const before = await e.kubectl([
    '-n',
    NS,
    'get',
    'pods',
    '-l',
    SCHEDULERS,
    '-o',
    'jsonpath={.items[*].metadata.uid}',
  ]);
  await createRestore(e, 'missing', { backupId: 'scheduler-backup-2001-01-01-00-00' });
  const r = await waitPhase(e, 'missing', 'Failed', 120_000);
  assert.is(r.status?.error?.step, 'Validate');
  assert.match(r.status?.error?.message ?? '', /scheduler-backup-2001-01-01-00-00 exists on no replica/);
  assert.match(r.status?.error?.message ?? '', /not touched/);
  const c = await getCluster(e, NS, 'example');
  assert.is(conditionOf(c, 'Ready')?.status, 'True');
  assert.is(
    await e.kubectl(['-n', NS, 'get', 'pods', '-l', SCHEDULERS, '-o', 'jsonpath={.items[*].metadata.uid}']),
    before,
  );
  const annotations = await e.kubectl([
    '-n',
    NS,
    'get',
    'auroracluster',
    'example',
    '-o',
    'jsonpath={.metadata.annotations}',
  ]);
  assert.not.match(annotations, 'restore-lock');
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'missing', '--wait=true', '--timeout=60s']);
});

test('Staged with approval: waits at Approval with the preview, approval continues, tasks equal the backup', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  assert.ok((await taskIds(e)).length > tasks.length, 'more tasks exist than in the backup');
  await createRestore(e, 'staged', { backupId, approval: { required: true } });
  const waiting = await waitPhase(e, 'staged', 'AwaitingApproval', 300_000);
  assert.is(waiting.status?.step, 'Approval');
  assert.is(waiting.status?.preview?.taskCount, tasks.length);
  assert.ok(waiting.status?.preview?.byJob?.['www/prod/first']);
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'aurorarestore',
    'staged',
    '--type=merge',
    '-p',
    '{"spec":{"approval":{"approved":true}}}',
  ]);
  const done = await waitPhase(e, 'staged', 'Succeeded', 300_000);
  const timeline = timelineOf(done, STAGED_ORDER);
  assert.ok(
    timeline.get('Approval')!.finishedAt <= timeline.get('Commit')!.startedAt,
    'the commit waited for the approval',
  );
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++)
    assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped once`);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'staged', '--wait=true', '--timeout=60s']);
});

test('Offline: recovery-tool on ordinal 0, quorum then all; tasks equal the backup', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'offline', { backupId, strategy: 'Offline' });
  const { result: done, pods } = await withPodsSeen(e, waitPhase(e, 'offline', 'Succeeded', 300_000));
  const t = timelineOf(done, OFFLINE_ORDER);
  const at = (step: string, edge: 'startedAt' | 'finishedAt'): string => t.get(step)![edge];
  // recovery-tool alone, then a quorum that stores a snapshot of the restored log, then every replica
  assert.ok(at('Recover', 'finishedAt') <= at('StartQuorum', 'startedAt'), 'recovery-tool before the quorum');
  assert.ok(at('StartQuorum', 'finishedAt') <= at('SnapshotQuorum', 'startedAt'), 'the quorum runs first');
  assert.ok(
    at('SnapshotQuorum', 'finishedAt') <= at('StartAll', 'startedAt'),
    'all start after the snapshot',
  );
  // each replica's pods of this restore (created once StopSchedulers left none) came up no earlier than its stage
  const restorePods = pods.filter(
    (p) => Date.parse(p.created) >= wholeSecond(at('StopSchedulers', 'finishedAt')),
  );
  const firstStartedBy = ['Recover', 'StartQuorum', 'StartAll'];
  for (let i = 0; i < REPLICAS; i++) {
    const created = restorePods.filter((p) => p.name === `example-${i}`).map((p) => p.created);
    assert.ok(created.length > 0, `example-${i} was started by the restore: ${JSON.stringify(pods)}`);
    const stage = firstStartedBy[i]!;
    for (const c of created) {
      assert.ok(
        Date.parse(c) >= wholeSecond(at(stage, 'startedAt')),
        `example-${i} created at ${c}, not before ${stage} started at ${at(stage, 'startedAt')}`,
      );
    }
  }
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.wipe-and-recover.done`), `example-${i} marker`);
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.succeeded`), `example-${i} marked succeeded`);
  }
  assert.match(e.podLogs(NS, 'example-0', 'log-init'), `restore ${done.metadata.uid}: recovered ${backupId}`);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'offline', '--wait=true', '--timeout=60s']);
});

test('deleting a restore before commit leaves the cluster as it was and running', async (ctx) => {
  const e = env(ctx);
  const { backupId } = await takeBackup(e);
  await createJob(e, 1);
  const before = await taskIds(e);
  await createRestore(e, 'cancelled', { backupId, approval: { required: true } });
  await waitPhase(e, 'cancelled', 'AwaitingApproval', 300_000);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'cancelled', '--wait=false']);
  await waitFor('the cancelled restore to go away', 300_000, async () =>
    (await getRestore(e, 'cancelled')) === undefined ? true : undefined,
  );
  await assertRestoredCluster(e, before);
});

// CI runs the windows between an action's writes and after the commit intent; AURORA_E2E_FULL=1 adds the windows
// before and after every action (the full matrix, about twice as long).
const FULL = process.env['AURORA_E2E_FULL'] === '1';
const CRASH_WINDOWS = FULL ? 'before,write,intent,after' : 'write,intent';
const EXPECTED_CRASHES = [
  'Lock@write#1',
  'BlockTraffic@write#1',
  'StopSchedulers@write#1',
  'Configure@write#1',
  'Configure@write#2',
  'StartSchedulers@write#1',
  'Commit@intent',
  'RestoreConfiguration@write#1',
  'RestoreConfiguration@write#2',
  'UnblockTraffic@write#1',
  'Unlock@write#1',
  ...(FULL ? ['Validate@before', 'FindLeader@before', 'StageRecovery@before', 'Commit@before'] : []),
  ...(FULL ? ['Lock', 'Configure', 'StageRecovery', 'Commit', 'RestoreConfiguration', 'Unlock'] : []),
];

test('the operator killed between the writes of every step and after the commit intent ends Succeeded, logs wiped once', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'crashing', { backupId }, { [EXIT_AT]: CRASH_WINDOWS });
  const done = await waitPhase(e, 'crashing', 'Succeeded', FULL ? 2_400_000 : 1_200_000);
  const crashed = ((await getRestore(e, 'crashing'))?.metadata.annotations?.[CRASHED] ?? '').split(',');
  for (const point of EXPECTED_CRASHES) {
    assert.ok(crashed.includes(point), `the operator exited at ${point}: ${crashed.join(',')}`);
  }
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped exactly once`);
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.wipe.done`));
  }
});

test.run();
