// GET /backups/<name>/summary end to end: the real agent server (127.0.0.1, port 0) over a temporary backup
// directory and the operator's agent client, which validates the answer against the wire schema.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAgentClient, type AgentEndpoint } from '../../../src/agent/agent-client.ts';
import { AgentBackupError, AgentError } from '../../../src/agent/agent-errors.ts';
import { createAgentServer } from '../../../src/agent/agent-server.ts';
import { BackupSummary, digestTaskConfig } from '../../../src/aurora/backup-summary.ts';
import { createLogger } from '../../../src/log.ts';
import { encodeSnapshot, makeCronJob, makeTask, TIMESTAMP } from '../thrift/snapshot-fixture.ts';

const TOKEN = 'summary-test-token-0123';
const GOOD = 'scheduler-backup-2026-12-06-04-00';
const CUT = 'scheduler-backup-2026-12-06-03-00';

const test = suite<{ root: string; server: Server; at: AgentEndpoint; size: number }>(
  'backup-summary-endpoint',
);

test.before(async (ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'backup-summary-endpoint-'));
  const backupDir = join(ctx.root, 'scheduler-backups');
  mkdirSync(backupDir);
  const good = encodeSnapshot({ tasks: 25, cronJobs: 2, quotas: 3, unknown: true });
  ctx.size = good.length;
  writeFileSync(join(backupDir, GOOD), good);
  writeFileSync(join(backupDir, CUT), good.subarray(0, 700));
  ctx.server = createAgentServer({
    backupDir,
    operatorDir: join(ctx.root, 'aurora-operator'),
    token: TOKEN,
    log: createLogger('agent-test', 'silent'),
  });
  await new Promise<void>((resolve) => ctx.server.listen(0, '127.0.0.1', resolve));
  ctx.at = { host: '127.0.0.1', port: (ctx.server.address() as AddressInfo).port };
});

test.after((ctx) => {
  ctx.server.close();
  rmSync(ctx.root, { recursive: true, force: true });
});

const client = createAgentClient({ token: TOKEN, timeoutMs: 5000, copyTimeoutMs: 5000, trusted: () => true });

test('the summary lists every task, cron job and quota of the backup, in the wire shape', async ({
  at,
  size,
}) => {
  const summary = await client.summarizeBackup(at, GOOD);
  assert.is(summary.name, GOOD);
  assert.is(summary.size, size);
  assert.is(summary.timestamp, TIMESTAMP);
  assert.is(summary.tasks.length, 25);
  assert.equal(summary.tasks[3], {
    id: makeTask(3).assignedTask.taskId,
    job: 'www/prod/hello-0',
    instance: 3,
    status: 'RUNNING',
    config: digestTaskConfig(makeTask(3).assignedTask.task),
  });
  assert.is(summary.tasks[7]?.status, 'PENDING');
  assert.is(summary.tasks[1]?.host, 'host-1.example.internal');
  assert.equal(
    summary.cronJobs.map((c) => [c.job, c.schedule]),
    [0, 1].map((n) => [`batch/prod/nightly-${n}`, makeCronJob(n).jobConfiguration?.cronSchedule]),
  );
  assert.equal(summary.quotas, [
    { role: 'role-0', resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB' },
    { role: 'role-1', resources: 'cpus 5, ram 8192 MiB, disk 1024 MiB' },
    { role: 'role-2', resources: 'cpus 6, ram 8192 MiB, disk 1024 MiB' },
  ]);
  // the client parsed it already; the digests tell configs apart (the tasks' data differs per instance)
  assert.ok(BackupSummary.safeParse(summary).success);
  assert.is(new Set(summary.tasks.map((t) => t.config)).size, 25);
});

test('an undecodable file answers 422 with the problem; the client throws a terminal AGENT_BACKUP_UNREADABLE', async ({
  at,
}) => {
  const raw = await fetch(`http://127.0.0.1:${at.port}/backups/${CUT}/summary`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.is(raw.status, 422);
  const body = (await raw.json()) as { problem: string };
  assert.match(
    body.problem,
    /^not a Thrift Snapshot in TBinaryProtocol: at byte \d+: .*unexpected end of data/,
  );
  try {
    await client.summarizeBackup(at, CUT);
    assert.unreachable('a cut file has no summary');
  } catch (err) {
    assert.instance(err, AgentBackupError);
    assert.instance(err, AgentError);
    const e = err as AgentBackupError;
    assert.is(e.backupCode, 'AGENT_BACKUP_UNREADABLE');
    assert.ok(e.terminal, 'an unreadable backup stays unreadable: not retried');
    assert.match(e.message, body.problem);
  }
});

test('a missing backup is AGENT_BACKUP_NOT_FOUND (retried); no token is 401; a bad name is refused', async ({
  at,
}) => {
  try {
    await client.summarizeBackup(at, 'scheduler-backup-2020-01-01-00-00');
    assert.unreachable('a missing backup has no summary');
  } catch (err) {
    assert.instance(err, AgentBackupError);
    assert.is((err as AgentBackupError).backupCode, 'AGENT_BACKUP_NOT_FOUND');
    assert.not.ok((err as AgentBackupError).terminal);
  }
  const url = `http://127.0.0.1:${at.port}/backups/${GOOD}/summary`;
  assert.is((await fetch(url)).status, 401);
  const auth = { authorization: `Bearer ${TOKEN}` };
  assert.is((await fetch(url, { method: 'PUT', headers: auth, body: '' })).status, 405);
  assert.is(
    (await fetch(`http://127.0.0.1:${at.port}/backups/notes.txt/summary`, { headers: auth })).status,
    400,
  );
});

test.run();
