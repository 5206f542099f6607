// Replicated-log and recovery scenarios of the simulator e2e suite (registered by test/e2e/simulator.test.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { AuroraRpcError, createAuroraAdminClient } from '../../../../src/aurora/admin-client.ts';
import { ScheduleStatus, type ScheduledTask } from '../../../../src/thrift/api-types.ts';
import { saveBackup } from '../backups.ts';
import { readReplica } from '../log-store.ts';
import { getVars, RECOVERY_TOOL_MAIN, runTool, waitFor, type SimScheduler } from './sim-process.ts';
import { FAST, JOB, sleep, type SimSuite } from './sim-suite.ts';

const JOB2 = { role: 'www', environment: 'prod', name: 'later' };
const DISABLED = ['-max_registration_delay=360mins', '-reconciliation_initial_delay=365days'];
const NO_MASTER = 'zk://127.0.0.1:1111/mesos/master';
/** The line a replica logs when a write from a writer whose log ends lower replaces its newer state. */
const LOSS = /Replica at position (\d+) accepted a write at position (\d+) from (\S+) .*are lost/;

/** a quorum of wiped and re-initialized replicas loses the log contents (the writer sees an empty log). */
export async function wipedInitializedQuorumLosesTheLog(w: SimSuite): Promise<void> {
  const { root, start, stopAll, init, client, leaderOf, runningTasks, allTasks, logMetrics } = w;
  const dirs = [1, 2, 3].map((i) => join(root, `w${i}`));
  for (const d of dirs) assert.is(init(join(d, 'db')).code, 0);
  const group = [1, 2, 3].map((i) => start(40 + i, { quorum: 2, dir: dirs[i - 1] as string }));
  const leader = await leaderOf(group);
  await client(leader).createJob({ key: JOB, instanceCount: 3, taskConfig: { isService: true } });
  await runningTasks(leader, 3);
  for (let i = 0; i < 20; i++) await client(leader).snapshot();
  await stopAll();
  const kept = readReplica(join(dirs[0] as string, 'db'));
  assert.is(kept.state?.tasks.length, 3);
  assert.ok(kept.position > 20);

  // Replicas 2 and 3 lose their disks and are initialized again: VOTING at position 0, no entries.
  for (const d of dirs.slice(1)) {
    rmSync(join(d, 'db'), { recursive: true, force: true });
    assert.is(init(join(d, 'db')).code, 0);
  }
  const wiped = [2, 3].map((i) => start(40 + i, { quorum: 2, dir: dirs[i - 1] as string }));
  const writer = await leaderOf(wiped);
  assert.equal(await allTasks(writer), []);

  // The replica that still holds the data joins; the writer's next write replaces its newer state.
  const keeper = start(41, { quorum: 2, dir: dirs[0] as string });
  await waitFor('the keeper to join the log group', async () =>
    (await logMetrics(keeper))['log/ensemble_size'] === 3 ? true : undefined,
  );
  await client(writer).snapshot();
  const line = await waitFor('the loss line', async () => LOSS.exec(keeper.stderr()) ?? undefined);
  assert.is(Number(line[1]), kept.position);
  assert.ok(Number(line[2]) < kept.position);
  assert.is(line[3], `log-replica(1)@${writer.ip}:8083`);
  assert.equal(readReplica(join(dirs[0] as string, 'db')).state?.tasks, []);

  // A failover does not bring the tasks back: the data is gone from every replica.
  await writer.stop('SIGKILL');
  const next = await waitFor(
    'a new leader',
    () => leaderOf(wiped.filter((s) => s !== writer).concat(keeper)),
    30_000,
  );
  assert.equal(await allTasks(next), []);
}

/** two wiped replicas left EMPTY (not initialized) do not vote: 3 replicas get stuck, 5 catch up, nothing is lost. */
export async function emptyReplicasDoNotVote(w: SimSuite): Promise<void> {
  const { root, start, stopAll, init, client, leaderOf, runningTasks, logMetrics } = w;
  // Three replicas, quorum 2: one VOTING replica is not a quorum, so no writer and no catch-up; the data stays.
  const three = [1, 2, 3].map((i) => join(root, `e3-${i}`));
  for (const d of three) assert.is(init(join(d, 'db')).code, 0);
  const small = [1, 2, 3].map((i) => start(55 + i, { quorum: 2, dir: three[i - 1] as string }));
  const smallLeader = await leaderOf(small);
  await client(smallLeader).createJob({ key: JOB, instanceCount: 2, taskConfig: {} });
  await runningTasks(smallLeader, 2);
  await stopAll();
  const before = readReplica(join(three[0] as string, 'db'));
  for (const d of three.slice(1)) rmSync(join(d, 'db'), { recursive: true, force: true });
  const stuck = [1, 2, 3].map((i) => start(55 + i, { quorum: 2, dir: three[i - 1] as string }));
  const awaiting = await waitFor('a leader awaiting storage', async () => {
    for (const s of stuck)
      if ((await getVars(s.url))['scheduler_lifecycle_LEADER_AWAITING_REGISTRATION'] === 1) return s;
    return undefined;
  });
  await waitFor('EMPTY recover responses', async () =>
    stuck.every(
      (s, i) => i === 0 || s.stderr().includes('Received a recover response from a replica in EMPTY status'),
    )
      ? true
      : undefined,
  );
  await sleep(2000);
  const err = await client(awaiting, true)
    .getTasksWithoutConfigs({})
    .catch((e: unknown) => e);
  assert.instance(err, AuroraRpcError);
  assert.equal((err as AuroraRpcError).messages, ['Storage is not READY']);
  for (const s of stuck.slice(1)) assert.is((await logMetrics(s))['log/recovered'], 0);
  const after = readReplica(join(three[0] as string, 'db'));
  assert.is(after.position, before.position);
  assert.equal(after.state, before.state);
  await stopAll();

  // Five replicas, quorum 3: three VOTING replicas are a quorum; the two EMPTY ones catch up from them.
  const five = [1, 2, 3, 4, 5].map((i) => join(root, `e5-${i}`));
  for (const d of five) assert.is(init(join(d, 'db')).code, 0);
  const first = [1, 2, 3, 4, 5].map((i) => start(50 + i, { quorum: 3, dir: five[i - 1] as string }));
  const leader = await leaderOf(first);
  await client(leader).createJob({ key: JOB, instanceCount: 2, taskConfig: {} });
  const tasks = await runningTasks(leader, 2);
  await stopAll();
  for (const d of five.slice(3)) rmSync(join(d, 'db'), { recursive: true, force: true });
  const again = [1, 2, 3, 4, 5].map((i) => start(50 + i, { quorum: 3, dir: five[i - 1] as string }));
  const next = await leaderOf(again);
  const after5 = await runningTasks(next, 2);
  assert.equal(
    after5.map((t) => t.assignedTask.taskId).sort(),
    tasks.map((t) => t.assignedTask.taskId).sort(),
  );
  for (const s of again.slice(3)) {
    await waitFor('the EMPTY replica to catch up', async () =>
      (await logMetrics(s))['log/recovered'] === 1 ? true : undefined,
    );
    assert.match(s.stderr(), 'and is now in VOTING status');
    assert.equal(
      readReplica(s.logPath)
        .state?.tasks.map((t) => t.assignedTask.taskId)
        .sort(),
      tasks.map((t) => t.assignedTask.taskId).sort(),
    );
  }
  for (const s of again) assert.not.match(s.stderr(), 'are lost');
}

/** recovery-tool run while a scheduler leads: the tool supersedes the writer, which exits; the tool exits 1. */
export async function toolConflictsWithRunningWriter(w: SimSuite): Promise<void> {
  const { root, start, init, client, leaderOf, runningTasks, toolArgs, exitWithin, zkChildren } = w;
  const dir = join(root, 't-live');
  assert.is(init(join(dir, 'db')).code, 0);
  const s = start(61, { dir, extraFlags: FAST });
  await leaderOf([s]);
  await client(s).createJob({ key: JOB, instanceCount: 2, taskConfig: {} });
  await runningTasks(s, 2);
  const backup = saveBackup(
    { tasks: await client(s).getTasksWithoutConfigs({}) },
    { dir: join(root, 't-backups'), maxSaved: 5, now: new Date() },
  );
  await client(s).createJob({ key: JOB2, instanceCount: 1, taskConfig: {} });
  await runningTasks(s, 1, JOB2);
  const position = readReplica(s.logPath).position;

  const toolDb = join(root, 't-tool', 'db');
  assert.is(init(toolDb).code, 0);
  const r = runTool(RECOVERY_TOOL_MAIN, toolArgs(join(root, 't-backups', backup), toolDb), {
    JAVA_OPTS: '-Xmx1g',
  });
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    `another writer is active in the log group /aurora/replicated-log: log-replica(1)@${s.ip}:8083.`,
  );
  assert.match(r.stderr, 'The backup (2 tasks) was written at position 1');
  assert.match(r.stderr, /Coordinator learned the end of the log .* are lost/);

  // The running writer's next append is rejected: it disables the log and shuts down.
  assert.is(await exitWithin(s, 15_000), 0);
  assert.match(s.stderr(), 'Log append failed, shutting down: Coordinator demoted');
  assert.match(s.stderr(), 'Transitioning from ACTIVE to DEAD');
  const loss = LOSS.exec(s.stderr());
  assert.ok(loss, 'the scheduler replica logs the entries it lost');
  assert.ok(Number(loss[1]) >= position);
  assert.is(loss[2], '1');
  // The log shows the conflict: both replicas now hold the backup at position 1, the later job is gone.
  for (const db of [s.logPath, toolDb]) {
    const rec = readReplica(db);
    assert.is(rec.position, 1);
    assert.is(rec.state?.tasks.length, 2);
  }
  assert.equal(await zkChildren('/aurora/replicated-log'), []);
  const restarted = start(61, { dir });
  await leaderOf([restarted]);
  await runningTasks(restarted, 2);
  assert.equal(await client(restarted).getTasksWithoutConfigs({ jobKeys: [JOB2] }), []);
}

/** recovery-tool with no scheduler running: joins the group for the write, honours digest credentials and JAVA_OPTS. */
export async function toolAloneJoinsGroupForTheWrite(w: SimSuite): Promise<void> {
  const { root, init, toolArgs, zkChildren, zkAcl } = w;
  const task = (id: string): ScheduledTask => ({
    assignedTask: { taskId: id, instanceId: 0, task: { job: JOB } },
    status: ScheduleStatus.RUNNING,
  });
  const backup = saveBackup(
    { tasks: [task('a'), task('b')], frameworkId: 'fw-1' },
    { dir: join(root, 'd-backups'), maxSaved: 5, now: new Date() },
  );
  const db = join(root, 'd-tool', 'db');
  assert.is(init(db).code, 0);
  const group = '/aurora/digest-log';
  const r = runTool(
    RECOVERY_TOOL_MAIN,
    [
      ...toolArgs(join(root, 'd-backups', backup), db, group),
      '-zk_digest_credentials=aurora:s3cret',
      '-zk_session_timeout=4secs',
    ],
    { JAVA_OPTS: '-Xmx2g -Djava.library.path=/usr/lib' },
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, "Using ZooKeeper digest credentials for user 'aurora'");
  assert.not.match(r.stderr, 's3cret');
  assert.match(r.stderr, 'Coordinator elected with proposal 1; the log ends at position 0');
  assert.match(r.stderr, 'Recovered 2 tasks');
  assert.not.match(r.stderr, 'another writer');
  const rec = readReplica(db);
  assert.is(rec.position, 1);
  assert.equal(rec.state?.frameworkId, 'fw-1');
  // A member only for the duration of the write; the group node carries the digest ACL.
  assert.equal(await zkChildren(group), []);
  const acl = await zkAcl(group);
  assert.ok(
    acl.some((a) => a.id.scheme === 'digest' && a.id.id.startsWith('aurora:')),
    JSON.stringify(acl),
  );
  assert.ok(acl.some((a) => a.id.scheme === 'world' && a.id.id === 'anyone'));
  const again = runTool(RECOVERY_TOOL_MAIN, toolArgs(join(root, 'd-backups', backup), db, group));
  assert.is(again.code, 1);
  assert.match(again.stderr, 'Refusing to recover into non-empty persistence');
}

/** commitRecovery stopped or killed before its append reaches a quorum commits nothing; the staged backup is gone. */
export async function commitKilledOrStoppedCommitsNothing(w: SimSuite): Promise<void> {
  const { root, start, stopAll, init, client, leaderOf, runningTasks, allTasks, exitWithin } = w;
  const dir = join(root, 'k');
  const db = join(dir, 'db');
  assert.is(init(db).code, 0);
  const s = start(71, { dir });
  await leaderOf([s]);
  await client(s).createJob({ key: JOB, instanceCount: 2, taskConfig: {} });
  await runningTasks(s, 2);
  await client(s).performBackup();
  const [backup] = (await client(s).listBackups()).filter((n) => n.startsWith('scheduler-backup-'));
  assert.ok(backup);
  await client(s).createJob({ key: JOB2, instanceCount: 1, taskConfig: {} });
  await runningTasks(s, 1, JOB2);
  await stopAll();
  const before = readReplica(db);
  assert.is(before.state?.tasks.length, 3);
  const unchanged = () => {
    const now = readReplica(db);
    assert.is(now.position, before.position);
    assert.equal(now.state, before.state);
  };

  const stagedLeader = async (): Promise<SimScheduler> => {
    const b = start(71, {
      dir,
      mesosMaster: NO_MASTER,
      extraFlags: [...DISABLED, '-native_log_write_timeout=2secs'],
    });
    assert.is((await allTasks(b, true)).length, 3);
    await client(b, true).stageRecovery(backup);
    assert.is((await client(b, true).queryRecovery({})).length, 2);
    const res = await fetch(`${b.url}/sim/faults`, { method: 'POST', body: '{"logAppendDelayMs":1500}' });
    assert.is(res.status, 200);
    return b;
  };
  const commit = (b: SimScheduler) =>
    createAuroraAdminClient({ baseUrl: b.url, timeoutMs: 20_000, bypassLeaderRedirect: true })
      .commitRecovery()
      .then(
        () => 'acknowledged',
        (e: unknown) => e,
      );
  const accepted = (b: SimScheduler) =>
    waitFor('the commit to be accepted', async () =>
      b.stderr().includes('Committing the staged recovery (2 tasks) to the replicated log.')
        ? true
        : undefined,
    );

  // Killed while the append is on its way.
  const killed = await stagedLeader();
  const killedCommit = commit(killed);
  await accepted(killed);
  await killed.stop('SIGKILL');
  assert.instance(await killedCommit, Error);
  unchanged();

  // Stopped (SIGSTOP) past the write timeout: on SIGCONT the append gives up without writing, and the process exits.
  const stopped = await stagedLeader();
  const stoppedCommit = commit(stopped);
  await accepted(stopped);
  stopped.child.kill('SIGSTOP');
  await sleep(2500);
  unchanged();
  stopped.child.kill('SIGCONT');
  assert.is(await exitWithin(stopped, 10_000), 0);
  assert.match(stopped.stderr(), 'Log append failed, shutting down: Timeout performing log append');
  const answer = await stoppedCommit;
  assert.is.not(answer, 'acknowledged');
  unchanged();

  // Nothing was committed, and the restarted scheduler has nothing staged: the backup lived in memory only.
  const c = start(71, { dir });
  await leaderOf([c]);
  assert.is((await allTasks(c)).length, 3);
  for (const call of [() => client(c).queryRecovery({}), () => client(c).commitRecovery()]) {
    const err = await call().catch((e: unknown) => e);
    assert.instance(err, AuroraRpcError);
    assert.equal((err as AuroraRpcError).messages, ['No backup loaded.']);
  }
}
