// Summary rows of what a scheduler snapshot holds (tasks, cron jobs, quotas), built without zod so the backup
// agent sidecar, which must not load zod, can build them where the backup lies; backup-summary.ts holds the wire
// schemas of the same shapes.
import { createHash } from 'node:crypto';
import { ResourceAggregateSpec, TaskConfigSpec } from '../thrift/api-schema.ts';
import { scheduleStatusName } from '../thrift/api-types.ts';
import type {
  AssignedTask,
  JobConfiguration,
  JobKey,
  Resource,
  ScheduledTask,
  TaskConfig,
} from '../thrift/api-types.ts';
import type { FieldSpec, StructSpec, StructValue, TypeSpec } from '../thrift/schema.ts';
import type { QuotaConfiguration } from '../thrift/storage-schema.ts';

export interface TaskSummaryRow {
  id: string;
  job: string;
  instance: number;
  status: string;
  host?: string | undefined;
  config: string;
}

export interface CronJobSummaryRow {
  job: string;
  schedule: string;
  config: string;
  /** JobConfiguration.instanceCount */
  instances?: number | undefined;
  /** JobConfiguration.cronCollisionPolicy as its Thrift number; absent means the default, 0 (KILL_EXISTING) */
  collisionPolicy?: number | undefined;
}

export interface QuotaSummaryRow {
  role: string;
  resources: string;
}

const byName = new WeakMap<StructSpec, readonly FieldSpec[]>();

/** fieldsByName: a struct's fields in name order, sorted once per struct for the 100,000 tasks of a backup. */
function fieldsByName(spec: StructSpec): readonly FieldSpec[] {
  let fields = byName.get(spec);
  if (!fields) {
    fields = [...spec.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    byName.set(spec, fields);
  }
  return fields;
}

/** canonicalValue walks a value by its Thrift type so that struct and map keys come sorted and the elements of a
 * set (which has no order on the wire) come sorted by their JSON; list order is kept, it means something. */
function canonicalValue(spec: TypeSpec, value: unknown): unknown {
  if (value === null || value === undefined || typeof spec === 'string') return value;
  if (spec.kind === 'struct') {
    const out: StructValue = {};
    for (const field of fieldsByName(spec)) {
      const v = (value as StructValue)[field.name];
      if (v !== undefined) out[field.name] = canonicalValue(field.type, v);
    }
    return out;
  }
  if (spec.kind === 'map') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonicalValue(spec.value, v)]));
  }
  const items = (value as unknown[]).map((item) => canonicalValue(spec.elem, item));
  if (spec.kind === 'list') return items;
  return items
    .map((item) => [JSON.stringify(item), item] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, item]) => item);
}

/**
 * digestTaskConfig: sha256 (hex, first 16 characters) of the canonical JSON of a TaskConfig as decoded: keys
 * sorted, set elements sorted, and absent fields left out rather than written as null. So executorConfig.data is
 * part of the digest only when the config carries it: a config read with getTasksWithoutConfigs (which drops
 * `data`) digests like the same config with `data` removed, and is equal to a backup's only if the backup's
 * config has no `data` either; compare digests of configs read the same way.
 */
export function digestTaskConfig(config: TaskConfig | undefined): string {
  const json = JSON.stringify(canonicalValue(TaskConfigSpec, config) ?? null);
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** jobKeyString: "role/environment/name"; a config without a job key (never written by Aurora 0.22) shows "?". */
export function jobKeyString(key: JobKey | undefined): string {
  return key ? `${key.role}/${key.environment}/${key.name}` : '?/?/?';
}

/** summarizeTask takes a task as decoded, where even required fields may be missing from a damaged snapshot. */
export function summarizeTask(t: ScheduledTask): TaskSummaryRow {
  const a: Partial<AssignedTask> = t.assignedTask ?? {};
  return {
    id: a.taskId ?? '',
    job: jobKeyString(a.task?.job),
    instance: a.instanceId ?? 0,
    status: scheduleStatusName(t.status),
    ...(a.slaveHost !== undefined ? { host: a.slaveHost } : {}),
    config: digestTaskConfig(a.task),
  };
}

/** summarizeCronJob takes a StoredCronJob's jobConfiguration, which a damaged snapshot may lack. */
export function summarizeCronJob(job: Partial<JobConfiguration> | undefined): CronJobSummaryRow {
  return {
    job: jobKeyString(job?.key),
    schedule: job?.cronSchedule ?? '',
    config: digestTaskConfig(job?.taskConfig),
    ...(job?.instanceCount !== undefined ? { instances: job.instanceCount } : {}),
    collisionPolicy: job?.cronCollisionPolicy ?? 0,
  };
}

const RESOURCE_ORDER: readonly [string, (v: number | string) => string][] = [
  ['numCpus', (v) => `cpus ${v}`],
  ['ramMb', (v) => `ram ${v} MiB`],
  ['diskMb', (v) => `disk ${v} MiB`],
  ['numGpus', (v) => `gpus ${v}`],
  ['namedPort', (v) => `port ${v}`],
];

/** formatResources: "cpus 4, ram 8192 MiB, disk 1024 MiB" in that order (then gpus and ports), "none" when empty. */
export function formatResources(resources: readonly Resource[] | undefined): string {
  const canonical = canonicalValue(ResourceAggregateSpec, { resources }) as { resources?: StructValue[] };
  const parts: string[] = [];
  for (const [kind, format] of RESOURCE_ORDER) {
    for (const r of canonical.resources ?? []) {
      const v = r[kind];
      if (typeof v === 'number' || typeof v === 'string') parts.push(format(v));
    }
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function summarizeQuota(q: QuotaConfiguration): QuotaSummaryRow {
  return { role: q.role ?? '', resources: formatResources(q.quota?.resources) };
}
