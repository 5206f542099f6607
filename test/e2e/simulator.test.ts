import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuroraRpcError, AuroraHttpError } from '../../src/aurora/admin-client.ts';
import type { ZooKeeperServer } from '../world/local-env/zookeeper.ts';
import { ResponseSpec } from '../../src/thrift/api-schema.ts';
import { ScheduleStatus } from '../../src/thrift/api-types.ts';
import { decodeMessage, encodeMessage, MessageType, resultSpec } from '../../src/thrift/message.ts';
import { struct } from '../../src/thrift/schema.ts';
import {
  commitKilledOrStoppedCommitsNothing,
  emptyReplicasDoNotVote,
  toolAloneJoinsGroupForTheWrite,
  toolConflictsWithRunningWriter,
  wipedInitializedQuorumLosesTheLog,
} from '../world/simulator/testing/log-scenarios.ts';
import {
  getVars,
  RECOVERY_TOOL_MAIN,
  runTool,
  SCHEDULER_MAIN,
  status,
  waitFor,
  type SimScheduler,
} from '../world/simulator/testing/sim-process.ts';
import { createSimSuite, FAST, JOB } from '../world/simulator/testing/sim-suite.ts';

const w = createSimSuite();
const { start, stopAll, init, client, zkChildren, leaderOf, runningTasks } = w;
let zk: ZooKeeperServer;
let root: string;
const SNAPSHOT_ARGS = struct('snapshot_args', []);

test.before(async () => {
  await w.setup();
  zk = w.zk;
  root = w.root;
});
test.after.each(async () => stopAll('SIGKILL'));
test.after(async () => w.teardown());

test('an unknown flag or a missing required flag exits 1 with usage', () => {
  const unknown = runTool(SCHEDULER_MAIN, ['-cluster_name=x', '-gc_executor_path=/x']);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, 'Usage: aurora-scheduler');
  assert.match(unknown.stderr, '-gc_executor_path');
  const missing = runTool(SCHEDULER_MAIN, ['-cluster_name=x']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'The following option is required: [-serverset_path]');
  const badDuration = runTool(SCHEDULER_MAIN, ['-max_registration_delay=1min']);
  assert.is(badDuration.code, 1);
  // JCommander 1.72 as Aurora 0.22 configures it: an option twice, --flag and recovery-tool flags stop the scheduler
  const twice = runTool(SCHEDULER_MAIN, ['-cluster_name=x', '-cluster_name=y']);
  assert.is(twice.code, 1);
  assert.match(twice.stderr, 'Can only specify option -cluster_name once.');
  for (const arg of ['--cluster_name=x', '-backup=/tmp/b', '-from=BACKUP', '-to=LOG']) {
    const rejected = runTool(SCHEDULER_MAIN, [arg]);
    assert.is(rejected.code, 1, arg);
    assert.match(rejected.stderr, `Was passed main parameter '${arg}'`, arg);
  }
});

test('mesos-log initialize refuses a non-empty log', () => {
  const dir = join(root, 'init-twice');
  assert.is(init(dir).code, 0);
  const again = init(dir);
  assert.is(again.code, 1);
  assert.match(again.stderr, 'The log is not empty');
});

test('uninitialized quorum: Storage is not READY and the seed log lines; then initialization lets storage start', async () => {
  const group = [1, 2, 3].map((i) => start(i, { quorum: 2, dir: join(root, `u${i}`) }));
  const leader = await waitFor('a leader awaiting storage', async () => {
    for (const s of group)
      if ((await getVars(s.url))['scheduler_lifecycle_LEADER_AWAITING_REGISTRATION'] === 1) return s;
    return undefined;
  });
  const err = await client(leader, true)
    .getTasksWithoutConfigs({})
    .catch((e: unknown) => e);
  assert.instance(err, AuroraRpcError);
  assert.ok((err as AuroraRpcError).transient);
  assert.equal((err as AuroraRpcError).messages, ['Storage is not READY']);
  await waitFor('seed log lines', async () => {
    const all = group.map((s) => s.stderr()).join('');
    const ok =
      all.includes('Replica in EMPTY status received a broadcasted recover request') &&
      all.includes('Received a recover response from a replica in EMPTY status');
    return ok || undefined;
  });
  await stopAll();
  // Initialize only a quorum (2 of 3): the third replica must catch up on its own.
  assert.is(init(join(root, 'u1', 'db')).code, 0);
  assert.is(init(join(root, 'u2', 'db')).code, 0);
  const again = [1, 2, 3].map((i) => start(i, { quorum: 2, dir: join(root, `u${i}`) }));
  const third = again[2] as SimScheduler;
  const before = await waitFor('metrics', async () =>
    (await fetch(`${third.libprocessUrl}/metrics/snapshot`)).json(),
  );
  assert.is((before as Record<string, number>)['log/recovered'], 0);
  await leaderOf(again);
  await waitFor('the EMPTY replica to catch up', async () => {
    const m = (await (await fetch(`${third.libprocessUrl}/metrics/snapshot`)).json()) as Record<
      string,
      number
    >;
    return m['log/recovered'] === 1 ? m : undefined;
  });
});

test('a lone uninitialized leader gives up after election timeout x retries', async () => {
  const s = start(4, {
    extraFlags: ['-native_log_election_timeout=500ms', '-native_log_election_retries=2'],
  });
  const code = await Promise.race([s.exited(), new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
  assert.is(code, 0);
  assert.match(s.stderr(), 'Failed to obtain a log writer');
  assert.match(s.stderr(), 'Transitioning from LEADER_AWAITING_REGISTRATION to DEAD');
});

test('a wrong mesos master address exits after max_registration_delay', async () => {
  const s = start(5, {
    mesosMaster: 'zk://127.0.0.1:1/mesos',
    extraFlags: ['-max_registration_delay=2secs'],
  });
  await waitFor(
    'storage prepared',
    async () => (await getVars(s.url))['scheduler_lifecycle_PREPARING_STORAGE'] === 0 || undefined,
  );
  assert.is(init(s).code, 1); // the live scheduler holds the log lock
  await s.stop('SIGKILL');
  assert.is(init(s).code, 0);
  const again = start(5, {
    mesosMaster: 'zk://127.0.0.1:1/mesos',
    extraFlags: ['-max_registration_delay=2secs'],
  });
  await waitFor(
    'awaiting registration',
    async () =>
      (await getVars(again.url))['scheduler_lifecycle_LEADER_AWAITING_REGISTRATION'] === 1 || undefined,
  );
  assert.is(await status(again.url, '/leaderhealth'), 502);
  await Promise.race([again.exited(), new Promise((r) => setTimeout(r, 15_000))]);
  assert.match(again.stderr(), 'Framework has not been registered within the tolerated delay.');
});

test('three replicas elect one leader, replicate tasks, back up, fail over and survive a restart', async () => {
  const dirs = [1, 2, 3].map((i) => join(root, `c${i}`));
  for (const d of dirs) assert.is(init(join(d, 'db')).code, 0);
  for (const d of dirs) {
    mkdirSync(join(d, 'backups'), { recursive: true });
    for (const old of ['00', '01', '02'])
      writeFileSync(join(d, 'backups', `scheduler-backup-2020-01-01-00-${old}`), '');
  }
  const group = [1, 2, 3].map((i) =>
    start(10 + i, { quorum: 2, dir: join(root, `c${i}`), extraFlags: FAST }),
  );
  const leader = await leaderOf(group);
  const members = (await zkChildren('/aurora/scheduler')).filter((c) => c.startsWith('member_'));
  assert.is(members.length, 1);
  const follower = group.find((s) => s !== leader) as SimScheduler;
  const redirected = await client(follower)
    .listBackups()
    .catch((e: unknown) => e);
  assert.instance(redirected, AuroraHttpError);
  assert.is((redirected as AuroraHttpError).status, 307);
  assert.is((redirected as AuroraHttpError).location, `${leader.url}/api`);

  await client(leader).createJob({ key: JOB, instanceCount: 3, taskConfig: { isService: true } });
  await runningTasks(leader, 3);
  await client(leader).performBackup();
  const backups = await waitFor('pruned periodic backups', async () => {
    const names = (await client(leader).listBackups()).filter((n) => n.startsWith('scheduler-backup-'));
    return names.length === 2 && names[0] === 'scheduler-backup-2020-01-01-00-02' ? names : undefined;
  });
  assert.match(backups[1] ?? '', /^scheduler-backup-\d{4}-\d\d-\d\d-\d\d-\d\d$/);

  await leader.stop('SIGKILL');
  const rest = group.filter((s) => s !== leader);
  const next = await waitFor('a new leader', () => leaderOf(rest), 30_000);
  assert.is((await runningTasks(next, 3)).length, 3);

  await stopAll();
  const restarted = [1, 2, 3].map((i) => start(10 + i, { quorum: 2, dir: join(root, `c${i}`) }));
  const third = await leaderOf(restarted);
  assert.is((await runningTasks(third, 3)).length, 3);
});

test('the wrong order of a quorum change (new replicas with quorum 3 beside old ones at 2) refuses to write', async () => {
  // Aurora's "Changing the Quorum Size": raise the old replicas first, then start the new ones; here the reverse
  const dirs = [1, 2, 3].map((i) => join(root, `q${i}`));
  for (const d of dirs) assert.is(init(join(d, 'db')).code, 0);
  const old = [1, 2, 3].map((i) => start(20 + i, { quorum: 2, dir: join(root, `q${i}`) }));
  const leader = await leaderOf(old);
  await client(leader).createJob({ key: JOB, instanceCount: 1, taskConfig: { isService: true } });
  await runningTasks(leader, 1);
  // two new replicas join the group with the new quorum while the old ones still run with 2
  const added = [4, 5].map((i) => start(20 + i, { quorum: 3, dir: join(root, `q${i}`) }));
  await waitFor('five members in the log group', async () =>
    (await zkChildren('/aurora/replicated-log')).length === 5 ? true : undefined,
  );
  const job = { ...JOB, name: 'after-growth' };
  const write = await client(leader)
    .createJob({ key: job, instanceCount: 1, taskConfig: { isService: true } })
    .then(
      () => 'written',
      (err: unknown) => String(err),
    );
  const refused = await waitFor('the writer to refuse', async () =>
    leader.stderr().includes('the log may be corrupted') ? leader.stderr() : undefined,
  );
  assert.match(refused, 'quorum 2 is not a majority of the 5 replicas in the log group');
  assert.is.not(write, 'written', 'the append after the wrong order is not acknowledged');
  await Promise.all(added.map((s) => s.stop('SIGKILL')));
});

test('staged recovery restores the backup tasks (partially disabled leader, bypass header)', async () => {
  const src = join(root, 'r-src');
  assert.is(init(join(src, 'db')).code, 0);
  const a = start(21, { dir: src });
  await leaderOf([a]);
  await client(a).createJob({ key: JOB, instanceCount: 2, taskConfig: {} });
  await runningTasks(a, 2);
  await client(a).performBackup();
  const [backup] = (await client(a).listBackups()).filter((n) => n.startsWith('scheduler-backup-'));
  assert.ok(backup);
  await stopAll();

  const dst = join(root, 'r-dst');
  assert.is(init(join(dst, 'db')).code, 0);
  mkdirSync(join(dst, 'backups'), { recursive: true });
  copyFileSync(join(src, 'backups', backup), join(dst, 'backups', backup));
  const disabled = ['-max_registration_delay=360mins', '-reconciliation_initial_delay=365days'];
  const b = start(22, { dir: dst, mesosMaster: 'zk://127.0.0.1:1111/mesos/master', extraFlags: disabled });
  await waitFor(
    'awaiting registration',
    async () => (await getVars(b.url))['scheduler_lifecycle_LEADER_AWAITING_REGISTRATION'] === 1 || undefined,
  );
  const admin = client(b, true);
  await waitFor(
    'storage READY',
    async () => (await admin.getTasksWithoutConfigs({})).length === 0 || undefined,
  );
  await admin.stageRecovery(backup);
  const again = await admin.stageRecovery(backup).catch((e: unknown) => e);
  assert.equal((again as AuroraRpcError).messages, ['Another backup is already loaded.']);
  const staged = await admin.queryRecovery({});
  assert.is(staged.length, 2);
  const dropped = staged[0]?.assignedTask.taskId as string;
  await admin.deleteRecoveryTasks({ taskIds: [dropped] });
  assert.is((await admin.queryRecovery({})).length, 1);
  await admin.commitRecovery();
  await Promise.race([b.exited(), new Promise((r) => setTimeout(r, 10_000))]);
  assert.is(b.child.exitCode, 0);

  const c = start(22, { dir: dst });
  await leaderOf([c]);
  const restored = await runningTasks(c, 1);
  assert.is.not(restored[0]?.assignedTask.taskId, dropped);

  // recovery-tool: works into an initialized empty log, refuses a non-empty one.
  await stopAll();
  const tool = join(root, 'r-tool');
  assert.is(init(join(tool, 'db')).code, 0);
  const args = [
    '-from',
    'BACKUP',
    '-to',
    'LOG',
    `-backup=${join(dst, 'backups', backup)}`,
    `-native_log_file_path=${join(tool, 'db')}`,
    '-native_log_zk_group_path=/aurora/replicated-log',
    `-zk_endpoints=${zk.connectString}`,
  ];
  assert.is(runTool(RECOVERY_TOOL_MAIN, args).code, 0);
  const refused = runTool(RECOVERY_TOOL_MAIN, args);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, 'Refusing to recover into non-empty persistence');
  const d = start(23, { dir: tool });
  await leaderOf([d]);
  assert.is((await runningTasks(d, 2)).length, 2);
  assert.ok(readdirSync(join(tool, 'db')).includes('LOCK'));
});

test('a quorum of wiped and re-initialized replicas loses the log contents (the writer sees an empty log)', () =>
  wipedInitializedQuorumLosesTheLog(w));
test('wiped replicas left EMPTY do not vote: 2 of 3 get stuck with the data intact, 2 of 5 catch up', () =>
  emptyReplicasDoNotVote(w));
test('recovery-tool while a scheduler leads: it supersedes the writer, which exits, and exits 1 itself', () =>
  toolConflictsWithRunningWriter(w));
test('recovery-tool with no scheduler: a group member for the write, digest credentials, JAVA_OPTS', () =>
  toolAloneJoinsGroupForTheWrite(w));
test('commitRecovery stopped or killed before a quorum stored it commits nothing; nothing stays staged', () =>
  commitKilledOrStoppedCommitsNothing(w));

test('faults: backupFail counts failures and executorCrash fails new tasks', async () => {
  const dir = join(root, 'f1');
  assert.is(init(join(dir, 'db')).code, 0);
  const s = start(31, { dir, env: { AURORA_SIM_FAULTS: '{"backupFail":true,"executorCrash":true}' } });
  await leaderOf([s]);
  await client(s).performBackup();
  assert.is((await getVars(s.url))['scheduler_backup_failed'], 1);
  await client(s).createJob({ key: JOB, instanceCount: 1, taskConfig: {} });
  const failed = await waitFor('a FAILED task', async () => {
    const t = await client(s).getTasksWithoutConfigs({ statuses: [ScheduleStatus.FAILED] });
    return t.length === 1 ? t[0] : undefined;
  });
  const seen = (failed.taskEvents ?? []).map((e) => e.status);
  assert.not.ok(seen.includes(ScheduleStatus.STARTING) || seen.includes(ScheduleStatus.RUNNING));
  const unsupported = await fetch(`${s.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'x',
  });
  assert.is(unsupported.status, 415);
  const jsonCall = encodeMessage('json', {
    name: 'snapshot',
    type: MessageType.CALL,
    seqid: 4,
    spec: SNAPSHOT_ARGS,
    body: {},
  });
  const withCharset = await fetch(`${s.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: jsonCall,
  });
  assert.is(withCharset.status, 415);
  const plainJson = await fetch(`${s.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: jsonCall,
  });
  assert.is(plainJson.status, 200);
  assert.is(plainJson.headers.get('content-type'), 'application/vnd.apache.thrift.json');
  const malformed = await fetch(`${s.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-thrift' },
    body: '[1,"snapshot",1,',
  });
  assert.is(malformed.status, 500);
  assert.not.match(await malformed.text(), '"snapshot"');
  const roles = await client(s).call('getRoleSummary', {});
  assert.equal(roles.result?.roleSummaryResult?.summaries, [
    { role: JOB.role, jobCount: 1, cronJobCount: 0 },
  ]);
  const jobs = await client(s).call('getJobSummary', { role: JOB.role });
  assert.is(jobs.result?.jobSummaryResult?.summaries[0]?.stats.failedTaskCount, 1);
  const binary = encodeMessage('binary', {
    name: 'snapshot',
    type: MessageType.CALL,
    seqid: 9,
    spec: SNAPSHOT_ARGS,
    body: {},
  });
  const binHeaders = {
    'content-type': 'application/vnd.apache.thrift.binary',
    accept: 'application/vnd.apache.thrift.binary',
  };
  const reply = await fetch(`${s.url}/api`, { method: 'POST', headers: binHeaders, body: binary });
  const decoded = decodeMessage('binary', Buffer.from(await reply.arrayBuffer()));
  assert.is(decoded.seqid, 9);
  assert.is(
    (decoded.body(resultSpec('snapshot', ResponseSpec))['success'] as { responseCode: number }).responseCode,
    1,
  );
  assert.match(await (await fetch(`${s.url}/vars`)).text(), /^framework_registered 1$/m);
  await fetch(`${s.url}/sim/faults`, { method: 'POST', body: '{"hang":true}' });
  assert.is(await status(s.url, '/health').catch(() => 'hung'), 'hung');
  await fetch(`${s.url}/sim/faults`, { method: 'POST', body: '{"hang":false,"slowMs":300}' });
  const t0 = Date.now();
  assert.is(await status(s.url, '/health'), 200);
  assert.ok(Date.now() - t0 >= 250);
  assert.is(await s.stop('SIGTERM'), 0);
});

test.run();
