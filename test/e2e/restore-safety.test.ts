// AuroraRestore safety windows end to end: a scheduler leader hung and killed between the commit intent and the
// commit, a terminal failure before commit, and cancelling around the Offline commit point.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor, type E2eEnv } from './harness.ts';
import {
  assertRestoredCluster,
  backupDirOf,
  createJob,
  CRASHED,
  createRestore,
  EXIT_AT,
  getRestore,
  markersOf,
  NS,
  PAUSE_AT,
  REPLICAS,
  startRestoreEnv,
  takeBackup,
  taskIds,
  waitPhase,
  wipeCount,
} from './restore-fixture.ts';

const test = suite<{ env?: E2eEnv }>('restore-safety', {});

const env = (ctx: { env?: E2eEnv }): E2eEnv => {
  if (!ctx.env) throw new Error('environment not started');
  return ctx.env;
};

async function unpause(e: E2eEnv, name: string): Promise<void> {
  await e.kubectl(['-n', NS, 'annotate', 'aurorarestore', name, `${PAUSE_AT}-`]);
}

async function waitPausedAt(e: E2eEnv, name: string, step: string) {
  return waitFor(`${name} paused in ${step}`, 600_000, async () => {
    const r = await getRestore(e, name);
    return r?.status?.step === step ? r : undefined;
  });
}

test.before(async (ctx) => {
  ctx.env = await startRestoreEnv('127.0.3.7');
});

test.after(async (ctx) => {
  await ctx.env?.stop();
});

test('the leader hung after the commit intent and killed before commitRecovery lands: staged again, never Succeeded empty', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(e, 'hung-leader', { backupId }, { [PAUSE_AT]: 'Commit@intent' });
  await waitFor('the commit intent to be recorded', 600_000, async () => {
    const r = await getRestore(e, 'hung-leader');
    return r?.status?.step === 'Commit' && r.status.commitRequestedAt ? r : undefined;
  });
  const leader = (await getRestore(e, 'hung-leader'))?.status?.leader;
  assert.ok(leader, 'the staging leader is recorded');
  await e.signalContainer(NS, leader, 'scheduler', 'SIGSTOP');
  await unpause(e, 'hung-leader');
  // the operator's commitRecovery reaches a stopped process; its ZooKeeper session expires meanwhile
  await sleep(20_000);
  await e.signalContainer(NS, leader, 'scheduler', 'SIGKILL');
  const done = await waitPhase(e, 'hung-leader', 'Succeeded', 900_000);
  // the hung leader's storage never answered the read before the commit, so no commitRecovery reached it: the one
  // attempt that counts went to the leader that staged the backup again
  assert.is(done.status?.commitAttempts, 1, `commit attempts: ${done.status?.commitAttempts}`);
  const rewinds = await e.kubectl([
    '-n',
    NS,
    'get',
    'events',
    '--field-selector',
    'involvedObject.name=hung-leader,reason=Rewinding',
    '-o',
    'jsonpath={.items[*].message}',
  ]);
  assert.match(rewinds, /the commit did not land/, `staged again after the empty log was proven: ${rewinds}`);
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped exactly once`);
  }
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'hung-leader', '--wait=true', '--timeout=60s']);
});

test('a terminal failure before commit rolls the cluster back and keeps the failure', async (ctx) => {
  const e = env(ctx);
  const { backupId } = await takeBackup(e);
  await createJob(e, 1);
  const before = await taskIds(e);
  await createRestore(e, 'corrupt', { backupId }, { [PAUSE_AT]: 'StageRecovery@before' });
  const paused = await waitPausedAt(e, 'corrupt', 'StageRecovery');
  const ordinal = (paused.status?.leader ?? '').split('-').at(-1);
  // the copy on the staging leader becomes unreadable, with its size and write time kept
  const file = join(backupDirOf(e, Number(ordinal)), backupId);
  const st = statSync(file);
  writeFileSync(file, Buffer.alloc(st.size, 0x7f));
  utimesSync(file, st.atime, st.mtime);
  await unpause(e, 'corrupt');
  const failed = await waitPhase(e, 'corrupt', 'Failed', 900_000);
  assert.is(failed.status?.error?.step, 'StageRecovery');
  assert.ok(failed.status?.commitRequestedAt === undefined, 'nothing was committed');
  assert.ok(
    failed.status?.timeline?.some((t) => t.step === 'CancelStartAsBefore' && t.finishedAt),
    'the cancel steps ran',
  );
  await assertRestoredCluster(e, before);
  for (let i = 0; i < REPLICAS; i++) {
    assert.is(wipeCount(e, i, failed.metadata.uid), 1, `example-${i} wiped exactly once`);
    assert.ok(markersOf(e, i).includes(`${failed.metadata.uid}.rollback.done`), `example-${i} rolled back`);
    assert.not.ok(markersOf(e, i).includes(`${failed.metadata.uid}.succeeded`), `example-${i} keeps its log`);
  }
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'corrupt', '--wait=true', '--timeout=60s']);
});

test('Offline: cancelling before the commit point puts the cluster back; after it the restore finishes', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  const before = await taskIds(e);
  await createRestore(
    e,
    'offline-early',
    { backupId, strategy: 'Offline' },
    { [PAUSE_AT]: 'Recover@before' },
  );
  await waitPausedAt(e, 'offline-early', 'Recover');
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'aurorarestore',
    'offline-early',
    '--type=merge',
    '-p',
    '{"spec":{"cancel":true}}',
  ]);
  await unpause(e, 'offline-early');
  await waitPhase(e, 'offline-early', 'Cancelled', 600_000);
  await assertRestoredCluster(e, before);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'offline-early', '--wait=true', '--timeout=60s']);

  await createRestore(
    e,
    'offline-late',
    { backupId, strategy: 'Offline' },
    { [PAUSE_AT]: 'StartQuorum@before' },
  );
  const paused = await waitPausedAt(e, 'offline-late', 'StartQuorum');
  assert.ok(paused.status?.commitRequestedAt, 'the commit point is recorded before the quorum starts');
  await e.kubectl([
    '-n',
    NS,
    'patch',
    'aurorarestore',
    'offline-late',
    '--type=merge',
    '-p',
    '{"spec":{"cancel":true}}',
  ]);
  await unpause(e, 'offline-late');
  await waitPhase(e, 'offline-late', 'Succeeded', 600_000);
  await assertRestoredCluster(e, tasks);
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'offline-late', '--wait=true', '--timeout=60s']);
});

// Offline's Configure writes the ConfigMap and then a StatefulSet that StopSchedulers already left normal at 0, so
// after the crash at its first write its postcondition holds and it has no second write
const OFFLINE_CRASHES = [
  'Lock@write#1',
  'StopSchedulers@write#1',
  'Configure@write#1',
  'Recover@write#1',
  'CommitPoint@intent',
  'StartQuorum@write#1',
  'StartAll@write#1',
  'RemoveRestoreConfig@write#1',
  'Unlock@write#1',
];

test('Offline: the operator killed between the writes of every step and after the commit point ends Succeeded', async (ctx) => {
  const e = env(ctx);
  const { backupId, tasks } = await takeBackup(e);
  await createJob(e, 1);
  await createRestore(
    e,
    'offline-crashing',
    { backupId, strategy: 'Offline' },
    { [EXIT_AT]: 'write,intent' },
  );
  const done = await waitPhase(e, 'offline-crashing', 'Succeeded', 1_200_000);
  const crashed = ((await getRestore(e, 'offline-crashing'))?.metadata.annotations?.[CRASHED] ?? '').split(
    ',',
  );
  for (const point of OFFLINE_CRASHES) {
    assert.ok(crashed.includes(point), `the operator exited at ${point}: ${crashed.join(',')}`);
  }
  await assertRestoredCluster(e, tasks);
  for (let i = 0; i < REPLICAS; i++) {
    assert.ok(markersOf(e, i).includes(`${done.metadata.uid}.wipe-and-recover.done`), `example-${i} marker`);
  }
  await e.kubectl(['-n', NS, 'delete', 'aurorarestore', 'offline-crashing', '--wait=true', '--timeout=60s']);
});

// AURORA_E2E_FULL=1: the leader is also killed at several later steps of one Staged restore (CI runs the commit
// window above, the rest on demand).
const FULL = process.env['AURORA_E2E_FULL'] === '1';
const fullTest = FULL ? test : test.skip;

fullTest(
  'the scheduler leader killed at several steps of one Staged restore: Succeeded with the backup',
  async (ctx) => {
    const e = env(ctx);
    const { backupId, tasks } = await takeBackup(e);
    await createJob(e, 1);
    await createRestore(e, 'leader-kills', { backupId });
    const pending = new Set(['StageRecovery', 'Preview', 'Commit', 'RestoreConfiguration', 'WaitReady']);
    while (pending.size > 0) {
      const r = await waitFor('the next step to kill the leader at', 900_000, async () => {
        const now = await getRestore(e, 'leader-kills');
        if (now?.status?.phase === 'Succeeded' || now?.status?.phase === 'Failed') return now;
        return now?.status?.step && pending.has(now.status.step) ? now : undefined;
      });
      if (r.status?.phase === 'Succeeded' || r.status?.phase === 'Failed') break;
      const step = r.status?.step ?? '';
      pending.delete(step);
      const cluster = (
        await e.kubectl(['-n', NS, 'get', 'auroracluster', 'example', '-o', 'jsonpath={.status.leader}'])
      ).trim();
      const leader = r.status?.leader ?? cluster;
      if (leader) await e.signalContainer(NS, leader, 'scheduler', 'SIGKILL').catch(() => undefined);
    }
    const done = await waitPhase(e, 'leader-kills', 'Succeeded', 900_000);
    await assertRestoredCluster(e, tasks);
    for (let i = 0; i < REPLICAS; i++) {
      assert.is(wipeCount(e, i, done.metadata.uid), 1, `example-${i} wiped exactly once`);
    }
  },
);

test.run();
