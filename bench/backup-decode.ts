// Streaming decode of a 100,000-task backup, as the backup agent does it for a check and a summary: the time and
// how much the process grows, measured in a fresh child process; then the operator's impact of restoring it.
// `node bench/backup-decode.ts` runs it alone; `npm run bench` includes it.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryWriter, writeStruct } from '../src/thrift/binary-protocol.ts';
import { ScheduledTaskSpec } from '../src/thrift/api-schema.ts';
import { QuotaConfigurationSpec, StoredCronJobSpec } from '../src/thrift/storage-schema.ts';
import { ScheduleStatus } from '../src/thrift/api-types.ts';
import { TType, type StructValue } from '../src/thrift/schema.ts';
import type { DecodeMeasure } from './backup-decode-measure.ts';
import { imageNodeFlags } from './image-node-flags.ts';
import { impactSection } from './restore-impact.ts';
import { formatLine, type SectionLine } from './task-read-targets.ts';

export const TASKS = 100_000;
/** the check holds one value at a time: its growth must not follow the file's size */
const CHECK_RSS_TARGET = 64 * 1024 * 1024;
const CHECK_MS_TARGET = 15_000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** benchTask: a service task with the fields Aurora stores, its executor data about 1 KiB like a Thermos config. */
export function benchTask(n: number): StructValue {
  const job = { role: `role-${n % 20}`, environment: 'prod', name: `job-${n % 500}` };
  // 500 jobs of 200 instances: each job and instance holds one task, as in Aurora
  const instanceId = Math.floor(n / 500);
  return {
    assignedTask: {
      taskId: `${1_764_000_000_000 + n}-${job.role}-prod-${job.name}-${instanceId}-${n.toString(16).padStart(8, '0')}`,
      slaveId: `agent-${n % 1000}-S0`,
      slaveHost: `host-${n % 1000}.cluster.internal`,
      instanceId,
      assignedPorts: { http: 31_000 + (n % 1000) },
      task: {
        job,
        owner: { user: job.role },
        isService: true,
        priority: 0,
        production: true,
        tier: 'preferred',
        resources: [{ numCpus: 1 }, { ramMb: 1024 }, { diskMb: 2048 }, { namedPort: 'http' }],
        constraints: [{ name: 'host', constraint: { limit: { limit: 1 } } }],
        executorConfig: { name: 'AuroraExecutor', data: JSON.stringify({ task: job, cmd: 'x'.repeat(900) }) },
        metadata: [{ key: 'team', value: job.role }],
        container: { mesos: {} },
      },
    },
    status: ScheduleStatus.RUNNING,
    taskEvents: [
      { timestamp: 1_764_000_000_000, status: ScheduleStatus.PENDING, scheduler: 'scheduler-0' },
      { timestamp: 1_764_000_001_000, status: ScheduleStatus.RUNNING, message: 'started' },
    ],
  };
}

/** Cron templates and role quotas in the benchmark's backup (Snapshot fields 5 and 8), as a busy cluster has. */
export const CRON_JOBS = 200;
export const QUOTA_ROLES = 20;

export function benchCronJob(n: number, schedule = `${n % 60} ${n % 24} * * *`): StructValue {
  const key = { role: `role-${n % QUOTA_ROLES}`, environment: 'prod', name: `cron-${n}` };
  const task = (benchTask(n)['assignedTask'] as StructValue)['task'] as StructValue;
  return {
    key,
    cronSchedule: schedule,
    instanceCount: 1,
    taskConfig: { ...task, job: key, isService: false },
  };
}

export const benchQuota = (n: number, cpus = 100): StructValue => ({
  role: `role-${n}`,
  quota: { resources: [{ numCpus: cpus }, { ramMb: 102_400 }, { diskMb: 1_048_576 }] },
});

/** setHeader starts a Snapshot set field of `count` structs. */
function setHeader(w: BinaryWriter, id: number, count: number): void {
  w.byte(TType.SET);
  w.i16(id);
  w.byte(TType.STRUCT);
  w.i32(count);
}

/** writeBackup writes a Snapshot of `tasks` tasks a thousand at a time, so the writer never holds the file. */
export function writeBackup(path: string, tasks: number): void {
  const fd = openSync(path, 'w');
  try {
    const head = new BinaryWriter();
    head.byte(TType.I64);
    head.i16(1);
    head.i64(1_764_000_000_000);
    setHeader(head, 4, tasks);
    writeSync(fd, head.toBuffer());
    for (let from = 0; from < tasks; from += 1000) {
      const batch = new BinaryWriter();
      for (let n = from; n < Math.min(from + 1000, tasks); n++)
        writeStruct(batch, ScheduledTaskSpec, benchTask(n));
      writeSync(fd, batch.toBuffer());
    }
    const tail = new BinaryWriter();
    setHeader(tail, 5, CRON_JOBS);
    for (let n = 0; n < CRON_JOBS; n++)
      writeStruct(tail, StoredCronJobSpec, { jobConfiguration: benchCronJob(n) });
    setHeader(tail, 8, QUOTA_ROLES);
    for (let n = 0; n < QUOTA_ROLES; n++) writeStruct(tail, QuotaConfigurationSpec, benchQuota(n));
    tail.byte(TType.STOP);
    writeSync(fd, tail.toBuffer());
  } finally {
    closeSync(fd);
  }
}

function judge(m: DecodeMeasure, size: number): SectionLine[] {
  const label = `backup of ${TASKS.toLocaleString('en')} tasks (${mib(size)})`;
  const ok = (pass: boolean): 'ok' | 'MISS' => (pass ? 'ok' : 'MISS');
  return [
    {
      status: ok(m.checkVerdict === 'readable' && m.checkTasks === TASKS && m.checkMs <= CHECK_MS_TARGET),
      name: `${label}: streaming check`,
      measured: `${s(m.checkMs)}, ${m.checkVerdict}, ${m.checkTasks.toLocaleString('en')} tasks`,
      target: `≤ ${s(CHECK_MS_TARGET)}`,
    },
    {
      status: ok(m.checkRssGrowth <= CHECK_RSS_TARGET),
      name: `${label}: RSS growth of the check`,
      measured: `${mib(m.checkRssGrowth)} over ${mib(m.baseRss)}`,
      target: `≤ ${mib(CHECK_RSS_TARGET)}`,
    },
    {
      status: ok(m.summaryTasks === TASKS),
      name: `${label}: summary`,
      measured: `${s(m.summaryMs)}, ${m.summaryTasks.toLocaleString('en')} rows, ${mib(m.summaryJsonBytes)} JSON`,
      target: `${TASKS.toLocaleString('en')} rows`,
    },
    {
      status: 'info',
      name: `${label}: RSS growth of the summary, heap it keeps`,
      measured: `${mib(m.summaryRssGrowth)}, ${mib(m.summaryHeapKept)}`,
      target: '',
    },
  ];
}

/** backupDecodeSection writes the backup to a temporary directory, measures it in a child, and removes it. */
export async function backupDecodeSection(): Promise<SectionLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-decode-'));
  try {
    const path = join(dir, 'scheduler-backup-2026-12-06-05-00');
    writeBackup(path, TASKS);
    const measure = new URL('./backup-decode-measure.ts', import.meta.url).pathname;
    // the sidecar's own Node flags (bin/aurora-operator)
    const flags = ['--expose-gc', ...imageNodeFlags()];
    const summary = join(dir, 'summary.json');
    const out = execFileSync(process.execPath, [...flags, measure, path, summary], { encoding: 'utf8' });
    // then the operator's side: the impact of restoring that backup (bench/restore-impact.ts)
    return [...judge(JSON.parse(out) as DecodeMeasure, statSync(path).size), ...impactSection(summary)];
  } catch (err) {
    const measured = err instanceof Error ? err.message : String(err);
    return [{ status: 'MISS', name: 'backup decode: measurement', measured, target: 'completed' }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const lines = await backupDecodeSection();
  for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
  process.exitCode = lines.some((l) => l.status === 'MISS') ? 1 : 0;
}
