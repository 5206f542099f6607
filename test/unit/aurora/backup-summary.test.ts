// The backup summary's rows: the config digest is canonical (key and set order do not count, every field does)
// and pinned, since an agent and an operator of different versions compare digests.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BackupSummary,
  digestTaskConfig,
  formatResources,
  summarizeCronJob,
  summarizeQuota,
  summarizeTask,
} from '../../../src/aurora/backup-summary.ts';
import { ScheduleStatus, type ScheduledTask, type TaskConfig } from '../../../src/thrift/api-types.ts';

const config = (): TaskConfig => ({
  job: { role: 'www', environment: 'prod', name: 'hello' },
  owner: { user: 'www' },
  isService: true,
  priority: 0,
  tier: 'preferred',
  resources: [{ numCpus: 0.5 }, { ramMb: 128 }, { diskMb: 64 }],
  constraints: [
    { name: 'rack', constraint: { limit: { limit: 2 } } },
    { name: 'zone', constraint: { value: { negated: false, values: ['b', 'a'] } } },
  ],
  executorConfig: { name: 'AuroraExecutor', data: '{"processes": []}' },
  metadata: [{ key: 'team', value: 'web' }],
  container: {
    docker: {
      image: 'hello:1',
      parameters: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ],
    },
  },
});

/** reversed writes every key and every array of a value in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed).reverse();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    );
  }
  return value;
}

test('the digest is sha256 of the canonical JSON, first 16 hex characters, pinned', () => {
  const small: TaskConfig = {
    resources: [{ ramMb: 1 }, { numCpus: 2 }],
    job: { name: 'n', role: 'r', environment: 'e' },
  };
  const canonical =
    '{"job":{"environment":"e","name":"n","role":"r"},"resources":[{"numCpus":2},{"ramMb":1}]}';
  assert.is(digestTaskConfig(small), createHash('sha256').update(canonical).digest('hex').slice(0, 16));
  // a change of the canonical form makes agents and operators of different versions disagree: never silently
  assert.is(digestTaskConfig(config()), '63589d24a9c4f872');
});

test('key order and the order of set elements do not change the digest; list order does', () => {
  const base = digestTaskConfig(config());
  const shuffled = reversed(config()) as TaskConfig;
  const docker = (config().container as { docker: { image: string; parameters: unknown[] } }).docker;
  // reversed() also reverses the docker parameters, a list: put them back to compare set order alone
  (shuffled.container as { docker: { parameters: unknown[] } }).docker.parameters = docker.parameters;
  assert.is(digestTaskConfig(shuffled), base);
  const listReordered = config();
  (listReordered.container as { docker: { parameters: unknown[] } }).docker.parameters.reverse();
  assert.is.not(digestTaskConfig(listReordered), base, 'docker parameters are a list: their order counts');
});

test('every field counts: a changed value, an added or a removed field changes the digest', () => {
  const base = digestTaskConfig(config());
  const variants: Array<[string, (c: TaskConfig) => void]> = [
    ['ram', (c) => void (c.resources = [{ numCpus: 0.5 }, { ramMb: 129 }, { diskMb: 64 }])],
    ['job name', (c) => void (c.job = { role: 'www', environment: 'prod', name: 'hello2' })],
    ['executor data', (c) => void (c.executorConfig = { name: 'AuroraExecutor', data: '{}' })],
    ['executor data absent', (c) => void (c.executorConfig = { name: 'AuroraExecutor' })],
    ['production added', (c) => void (c.production = true)],
    ['metadata removed', (c) => void delete c.metadata],
    [
      'constraint value',
      (c) => void (c.constraints = [{ name: 'rack', constraint: { limit: { limit: 3 } } }]),
    ],
  ];
  const seen = new Set([base]);
  for (const [what, change] of variants) {
    const c = config();
    change(c);
    const digest = digestTaskConfig(c);
    assert.is.not(digest, base, what);
    seen.add(digest);
  }
  assert.is(seen.size, variants.length + 1, 'each variant has its own digest');
});

test('absent is absent: an undefined field digests like a missing one, and data absent like the config without it', () => {
  const withoutData = config();
  withoutData.executorConfig = { name: 'AuroraExecutor' };
  const undefinedData = config();
  undefinedData.executorConfig = { name: 'AuroraExecutor', data: undefined as unknown as string };
  assert.is(digestTaskConfig(undefinedData), digestTaskConfig(withoutData));
  assert.is(digestTaskConfig(undefined), digestTaskConfig(undefined));
  assert.is.not(digestTaskConfig(undefined), digestTaskConfig({}));
});

const task = (over: Partial<ScheduledTask['assignedTask']> = {}): ScheduledTask => ({
  assignedTask: { taskId: 't-1', instanceId: 4, slaveHost: 'host-a', task: config(), ...over },
  status: ScheduleStatus.RUNNING,
});

test('a task row: id, job key, instance, status name, host when assigned, config digest; it passes the schema', () => {
  assert.equal(summarizeTask(task()), {
    id: 't-1',
    job: 'www/prod/hello',
    instance: 4,
    status: 'RUNNING',
    host: 'host-a',
    config: digestTaskConfig(config()),
  });
  const pending = summarizeTask({
    ...task({ slaveHost: undefined as unknown as string }),
    status: ScheduleStatus.PENDING,
  });
  assert.not.ok('host' in pending, 'a pending task has no host key');
  assert.is(pending.status, 'PENDING');
  assert.is(summarizeTask({ ...task(), status: 99 as ScheduleStatus }).status, 'UNKNOWN(99)');
  const damaged = summarizeTask({ status: ScheduleStatus.LOST } as unknown as ScheduledTask);
  assert.equal(damaged, {
    id: '',
    job: '?/?/?',
    instance: 0,
    status: 'LOST',
    config: digestTaskConfig(undefined),
  });
  const summary = {
    name: 'b',
    size: 1,
    timestamp: 2,
    tasks: [summarizeTask(task()), pending],
    cronJobs: [],
    quotas: [],
  };
  assert.equal(BackupSummary.parse(summary), summary);
});

test('cron job and quota rows', () => {
  const job = {
    key: { role: 'batch', environment: 'prod', name: 'nightly' },
    cronSchedule: '0 2 * * *',
    taskConfig: config(),
    instanceCount: 1,
  };
  assert.equal(summarizeCronJob(job), {
    job: 'batch/prod/nightly',
    schedule: '0 2 * * *',
    config: digestTaskConfig(config()),
    instances: 1,
    collisionPolicy: 0,
  });
  assert.equal(summarizeCronJob({ ...job, cronCollisionPolicy: 1 }).collisionPolicy, 1);
  assert.equal(summarizeCronJob(undefined), {
    job: '?/?/?',
    schedule: '',
    config: digestTaskConfig(undefined),
    collisionPolicy: 0,
  });
  assert.equal(
    summarizeQuota({
      role: 'www',
      quota: { resources: [{ diskMb: 1024 }, { ramMb: 8192 }, { numCpus: 4 }] },
    }),
    {
      role: 'www',
      resources: 'cpus 4, ram 8192 MiB, disk 1024 MiB',
    },
  );
  assert.is(formatResources([]), 'none');
  assert.is(formatResources(undefined), 'none');
  assert.is(formatResources([{ namedPort: 'http' }, { numCpus: 1.5 }]), 'cpus 1.5, port http');
});

test.run();
