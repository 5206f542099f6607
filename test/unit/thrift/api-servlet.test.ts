// The simulator's /api servlet as real Aurora answers it, driven by raw HTTP and by the operator's own client.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AuroraHttpError,
  AuroraRpcError,
  createAuroraAdminClient,
  getJobs,
  getQuota,
} from '../../../src/aurora/admin-client.ts';
import { ResponseSpec } from '../../../src/thrift/api-schema.ts';
import { ResponseCode, ScheduleStatus, type ScheduledTask } from '../../../src/thrift/api-types.ts';
import { decodeMessage, encodeMessage, MessageType, resultSpec } from '../../../src/thrift/message.ts';
import { argsSpecOf } from '../../../src/thrift/service-schema.ts';
import { parseMediaType, protocolForContentType, replyFormat } from '../../world/simulator/api-servlet.ts';
import { startSimApi, type SimApi } from './api-server-fixture.ts';

let sim: SimApi;
let base: string;
test.before(async () => {
  sim = await startSimApi();
  base = sim.base;
});
test.after(() => sim.close());
test.before.each(() => sim.reset());

const admin = () => sim.admin();
const post = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${base}/api`, { method: 'POST', body, headers });
const callBody = (name: string, args: Record<string, unknown> = {}): Buffer =>
  encodeMessage('json', { name, type: MessageType.CALL, seqid: 7, spec: argsSpecOf(name)!, body: args });

test('Content-Type is matched exactly as ApiModule maps it, parameters included', () => {
  assert.is(protocolForContentType(undefined), 'json');
  assert.is(protocolForContentType('application/x-thrift'), 'json');
  assert.is(protocolForContentType('Application/JSON'), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.json'), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.json; charset=UTF-8'), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.json;charset="utf-8"'), 'json');
  assert.is(protocolForContentType('application/vnd.apache.thrift.binary'), 'binary');
  assert.is(protocolForContentType('application/json; charset=utf-8'), 'unsupported');
  assert.is(protocolForContentType('application/vnd.apache.thrift.json; charset=latin1'), 'unsupported');
  assert.is(protocolForContentType('application/vnd.apache.thrift.binary; charset=utf-8'), 'unsupported');
  assert.is(protocolForContentType('text/plain'), 'unsupported');
  assert.is(protocolForContentType('json'), 'unparseable');
  assert.is(parseMediaType('A/B ; Charset=UTF-8'), 'a/b; charset=utf-8');
});

test('replies are TJSON labelled application/vnd.apache.thrift.json unless one Accept type asks for binary', () => {
  const json = { protocol: 'json', contentType: 'application/vnd.apache.thrift.json' };
  assert.equal(replyFormat(undefined), json);
  assert.equal(replyFormat('application/json'), json);
  assert.equal(replyFormat('application/x-thrift'), json);
  assert.equal(replyFormat('*/*'), json);
  // several types are unparseable for MediaType.parse, so the default applies
  assert.equal(replyFormat('application/vnd.apache.thrift.binary, application/json'), json);
  assert.equal(replyFormat('application/vnd.apache.thrift.binary'), {
    protocol: 'binary',
    contentType: 'application/vnd.apache.thrift.binary',
  });
});

test('over HTTP: 415 for parameters on application/json, the TJSON label on a reply to application/json', async () => {
  const unsupported = await post(callBody('listBackups'), {
    'content-type': 'application/json; charset=utf-8',
  });
  assert.is(unsupported.status, 415);
  assert.is(await unsupported.text(), 'Unsupported Content-Type: application/json; charset=utf-8');
  const ok = await post(callBody('listBackups'), {
    'content-type': 'application/json',
    accept: 'application/json',
  });
  assert.is(ok.status, 200);
  assert.is(ok.headers.get('content-type'), 'application/vnd.apache.thrift.json');
  const msg = decodeMessage('json', Buffer.from(await ok.arrayBuffer()));
  assert.is(msg.type, MessageType.REPLY);
  assert.is(msg.seqid, 7);
});

test('a malformed body or Content-Type gets HTTP 500 and no Thrift message', async () => {
  for (const [body, type] of [
    ['not json at all', 'application/vnd.apache.thrift.json'],
    ['[1,"getTasksWithoutConfigs",1,0,{"1":{"rec":{"5":{"set":["i32",1,"x"]}}}}]', 'application/x-thrift'],
    ['[2,"listBackups",1,0,{}]', 'application/x-thrift'],
    [callBody('listBackups').toString(), 'json'],
  ] as const) {
    const res = await post(body, { 'content-type': type });
    assert.is(res.status, 500, body);
    assert.match(res.headers.get('content-type') ?? '', 'text/html');
    const text = await res.text();
    assert.throws(() => decodeMessage('json', Buffer.from(text)), /is not valid JSON/, body);
  }
  const truncated = encodeMessage('binary', {
    name: 'listBackups',
    type: MessageType.CALL,
    seqid: 1,
    spec: argsSpecOf('listBackups')!,
    body: {},
  }).subarray(0, 9);
  const bin = await post(truncated, { 'content-type': 'application/vnd.apache.thrift.binary' });
  assert.is(bin.status, 500);
});

test('an unknown method is still a TApplicationException UNKNOWN_METHOD in a 200', async () => {
  const body = '[1,"getPendingReason",1,3,{"1":{"rec":{}}}]';
  const res = await post(body, { 'content-type': 'application/x-thrift' });
  assert.is(res.status, 200);
  const msg = decodeMessage('json', Buffer.from(await res.arrayBuffer()));
  assert.is(msg.type, MessageType.EXCEPTION);
  assert.is(msg.seqid, 3);
});

test('the operator client reports an HTTP 500 as a clear AuroraHttpError', async () => {
  const broken = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body><h2>HTTP ERROR 500</h2></body></html>');
    });
  });
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
  try {
    const port = (broken.address() as AddressInfo).port;
    const err = await createAuroraAdminClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 })
      .listBackups()
      .catch((e: unknown) => e);
    assert.instance(err, AuroraHttpError);
    const e = err as AuroraHttpError;
    assert.is(e.status, 500);
    assert.is(e.code, 'AURORA_HTTP_STATUS');
    assert.match(
      e.message,
      'listBackups: HTTP 500 (the scheduler failed while processing the Thrift request',
    );
    assert.match(e.message, ': HTTP ERROR 500');
    assert.not.match(e.message, '<');
  } finally {
    broken.closeAllConnections();
    broken.close();
  }
});

const executorJob = {
  key: { role: 'www', environment: 'prod', name: 'hello' },
  instanceCount: 2,
  taskConfig: {
    isService: true,
    executorConfig: { name: 'AuroraExecutor', data: '{"task":"big"}' },
    constraints: [
      { name: 'host', constraint: { limit: { limit: 1 } } },
      { name: 'rack', constraint: { value: { negated: true, values: ['r1'] } } },
    ],
    container: { docker: { image: 'busybox', parameters: [{ name: 'net', value: 'host' }] } },
  },
};

test('the operator client: createJob keeps constraints and container; getTasksWithoutConfigs clears only data', async () => {
  await admin().createJob(executorJob);
  const tasks = await admin().getTasksWithoutConfigs({ role: 'www' });
  assert.is(tasks.length, 2);
  const config = tasks[0]?.assignedTask.task;
  assert.equal(config?.executorConfig, { name: 'AuroraExecutor' });
  assert.equal(config?.constraints, executorJob.taskConfig.constraints);
  assert.equal(config?.container, executorJob.taskConfig.container);
  const full = await admin().call('getTasksStatus', { query: { role: 'www' } });
  const fullTask = full.result?.scheduleStatusResult?.tasks[0] as ScheduledTask;
  assert.is(fullTask.assignedTask.task?.executorConfig?.data, '{"task":"big"}');
});

test('a job created without a container stores the IDL default {mesos: {}}', async () => {
  const { container: _c, ...taskConfig } = executorJob.taskConfig;
  await admin().createJob({ ...executorJob, taskConfig });
  const [task] = await admin().getTasksWithoutConfigs({});
  assert.equal(task?.assignedTask.task?.container, { mesos: {} });
});

test('getRoleSummary returns Result.roleSummaryResult and getJobSummary Result.jobSummaryResult', async () => {
  await admin().createJob(executorJob);
  await admin().createJob({ ...executorJob, key: { ...executorJob.key, name: 'other' }, instanceCount: 1 });
  await admin().createJob({ ...executorJob, key: { ...executorJob.key, role: 'ops' }, instanceCount: 1 });
  await admin().killTasks({ ...executorJob.key, name: 'other' });
  const roles = (await admin().call('getRoleSummary', {})).result?.roleSummaryResult?.summaries ?? [];
  assert.equal(
    [...roles].sort((a, b) => a.role.localeCompare(b.role)),
    [
      { role: 'ops', jobCount: 1, cronJobCount: 0 },
      { role: 'www', jobCount: 2, cronJobCount: 0 },
    ],
  );
  const jobs =
    (await admin().call('getJobSummary', { role: 'www' })).result?.jobSummaryResult?.summaries ?? [];
  const byName = new Map(jobs.map((j) => [j.job.key.name, j]));
  assert.equal([...byName.keys()].sort(), ['hello', 'other']);
  assert.equal(byName.get('hello')?.stats, {
    activeTaskCount: 0,
    finishedTaskCount: 0,
    failedTaskCount: 0,
    pendingTaskCount: 2,
  });
  assert.is(byName.get('other')?.stats.finishedTaskCount, 1);
  assert.is(byName.get('hello')?.job.instanceCount, 2);
  assert.is(byName.get('hello')?.job.taskConfig.executorConfig?.data, '{"task":"big"}');
  const all = (await admin().call('getJobSummary', {})).result?.jobSummaryResult?.summaries ?? [];
  assert.is(all.length, 3);
});

test('the Result union field ids are 17 and 18 on the wire', () => {
  const bytes = encodeMessage('json', {
    name: 'getRoleSummary',
    type: MessageType.REPLY,
    seqid: 0,
    spec: resultSpec('getRoleSummary', ResponseSpec),
    body: { success: { responseCode: 1, result: { roleSummaryResult: { summaries: [] } } } },
  });
  assert.match(bytes.toString(), '"3":{"rec":{"17":{"rec":');
  const job = encodeMessage('json', {
    name: 'getJobSummary',
    type: MessageType.REPLY,
    seqid: 0,
    spec: resultSpec('getJobSummary', ResponseSpec),
    body: { success: { responseCode: 1, result: { jobSummaryResult: { summaries: [] } } } },
  });
  assert.match(job.toString(), '"3":{"rec":{"18":{"rec":');
  assert.is(ScheduleStatus.PENDING, 0);
});

const cronJob = {
  ...executorJob,
  key: { role: 'batch', environment: 'prod', name: 'nightly' },
  instanceCount: 1,
  cronSchedule: '0 2 * * *',
  cronCollisionPolicy: 1,
};

test('getJobs decodes Result.getJobsResult (4): cron templates as stored, other jobs synthesized from tasks', async () => {
  await admin().createJob(executorJob);
  await admin().call('scheduleCronJob', { description: cronJob });
  const all = await getJobs(admin());
  const byName = new Map(all.map((j) => [`${j.key.role}/${j.key.name}`, j]));
  assert.equal([...byName.keys()].sort(), ['batch/nightly', 'www/hello']);
  const nightly = byName.get('batch/nightly');
  assert.is(nightly?.cronSchedule, '0 2 * * *');
  assert.is(nightly?.cronCollisionPolicy, 1);
  assert.is(nightly?.instanceCount, 1);
  assert.equal(nightly?.taskConfig.job, cronJob.key);
  assert.is(nightly?.taskConfig.executorConfig?.data, '{"task":"big"}');
  assert.is(byName.get('www/hello')?.cronSchedule, undefined);
  assert.is(byName.get('www/hello')?.instanceCount, 2);
  assert.equal(
    (await getJobs(admin(), 'batch')).map((j) => j.key.name),
    ['nightly'],
  );
  const roles = (await admin().call('getRoleSummary', {})).result?.roleSummaryResult?.summaries ?? [];
  assert.equal(
    roles.find((r) => r.role === 'batch'),
    { role: 'batch', jobCount: 0, cronJobCount: 1 },
  );
});

test('cron jobs only through scheduleCronJob; a second schedule replaces the template', async () => {
  const refused = await admin()
    .createJob(cronJob)
    .catch((e: unknown) => e);
  assert.instance(refused, AuroraRpcError);
  assert.is((refused as AuroraRpcError).responseCode, ResponseCode.INVALID_REQUEST);
  assert.match(
    (refused as Error).message,
    'Cron jobs may only be created/updated by calling scheduleCronJob.',
  );
  const { cronSchedule: _s, ...noSchedule } = cronJob;
  const unscheduled = await admin()
    .call('scheduleCronJob', { description: noSchedule })
    .catch((e: unknown) => e);
  assert.match((unscheduled as Error).message, 'Job batch/prod/nightly has no cron schedule');
  await admin().call('scheduleCronJob', { description: cronJob });
  await admin().call('scheduleCronJob', { description: { ...cronJob, cronSchedule: '*/5 * * * *' } });
  assert.equal(
    (await getJobs(admin(), 'batch')).map((j) => j.cronSchedule),
    ['*/5 * * * *'],
  );
  const taken = await admin()
    .createJob({ ...executorJob, key: cronJob.key })
    .catch((e: unknown) => e);
  assert.match((taken as Error).message, 'Job batch/prod/nightly already exists');
  await admin().call('descheduleCronJob', { job: cronJob.key });
  assert.equal(await getJobs(admin(), 'batch'), []);
});

test('getQuota decodes Result.getQuotaResult (5): zero cpus, ram and disk until setQuota stores one', async () => {
  assert.equal(await getQuota(admin(), 'www'), [{ numCpus: 0 }, { ramMb: 0 }, { diskMb: 0 }]);
  const quota = { resources: [{ numCpus: 4 }, { ramMb: 8192 }, { diskMb: 1024 }] };
  await admin().call('setQuota', { ownerRole: 'www', quota });
  const read = await getQuota(admin(), 'www');
  assert.equal(
    [...read].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [{ diskMb: 1024 }, { numCpus: 4 }, { ramMb: 8192 }],
  );
  const blank = await getQuota(admin(), '').catch((e: unknown) => e);
  assert.instance(blank, AuroraRpcError);
  assert.match((blank as Error).message, 'ownerRole must not be blank');
});

test('the getJobs and getQuota results are Result union fields 4 and 5 on the wire, their args field 1', () => {
  const reply = (name: string, result: Record<string, unknown>): string =>
    encodeMessage('json', {
      name,
      type: MessageType.REPLY,
      seqid: 0,
      spec: resultSpec(name, ResponseSpec),
      body: { success: { responseCode: 1, result } },
    }).toString();
  assert.match(reply('getJobs', { getJobsResult: { configs: [] } }), '"3":{"rec":{"4":{"rec":');
  assert.match(
    reply('getQuota', { getQuotaResult: { quota: { resources: [] } } }),
    '"3":{"rec":{"5":{"rec":',
  );
  assert.match(callBody('getQuota', { ownerRole: 'www' }).toString(), '{"1":{"str":"www"}}');
});

test('the storage reads answer ERROR_TRANSIENT while storage is not READY, as the client reports', async () => {
  const saved = sim.ctx.storageReady;
  sim.ctx.storageReady = () => false;
  try {
    const err = await getJobs(admin()).catch((e: unknown) => e);
    assert.instance(err, AuroraRpcError);
    assert.is((err as AuroraRpcError).responseCode, ResponseCode.ERROR_TRANSIENT);
  } finally {
    sim.ctx.storageReady = saved;
  }
});

test.run();
