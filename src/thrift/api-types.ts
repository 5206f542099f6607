// TypeScript shapes and enum values of the api.thrift subset in api-schema.ts.

export const ResponseCode = {
  INVALID_REQUEST: 0,
  OK: 1,
  ERROR: 2,
  WARNING: 3,
  AUTH_FAILED: 4,
  JOB_UPDATING_ERROR: 5,
  ERROR_TRANSIENT: 6,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

export const ScheduleStatus = {
  INIT: 11,
  THROTTLED: 16,
  PENDING: 0,
  ASSIGNED: 9,
  STARTING: 1,
  RUNNING: 2,
  FINISHED: 3,
  PREEMPTING: 13,
  RESTARTING: 12,
  DRAINING: 17,
  FAILED: 4,
  KILLED: 5,
  KILLING: 6,
  LOST: 7,
  PARTITIONED: 18,
} as const;
export type ScheduleStatus = (typeof ScheduleStatus)[keyof typeof ScheduleStatus];

export const ACTIVE_STATES: readonly ScheduleStatus[] = [
  ScheduleStatus.ASSIGNED,
  ScheduleStatus.DRAINING,
  ScheduleStatus.KILLING,
  ScheduleStatus.PENDING,
  ScheduleStatus.PREEMPTING,
  ScheduleStatus.RESTARTING,
  ScheduleStatus.RUNNING,
  ScheduleStatus.STARTING,
  ScheduleStatus.PARTITIONED,
  ScheduleStatus.THROTTLED,
];

export const TERMINAL_STATES: readonly ScheduleStatus[] = [
  ScheduleStatus.FAILED,
  ScheduleStatus.FINISHED,
  ScheduleStatus.KILLED,
  ScheduleStatus.LOST,
];

export function scheduleStatusName(status: number): string {
  return Object.entries(ScheduleStatus).find(([, v]) => v === status)?.[0] ?? `UNKNOWN(${status})`;
}

export const BYPASS_LEADER_REDIRECT_HEADER_NAME = 'Bypass-Leader-Redirect';

export interface JobKey {
  role: string;
  environment: string;
  name: string;
}

export interface Identity {
  user?: string;
}

/** One member is set; ipAddr comes from the aurora-scheduler fork (0.23+). */
export type Resource =
  | { numCpus: number }
  | { ramMb: number }
  | { diskMb: number }
  | { namedPort: string }
  | { numGpus: number }
  | { ipAddr: number };

/** api.thrift ResourceAggregate: Aurora 0.22 keeps only field 4, the set of resources. */
export interface ResourceAggregate {
  resources?: Resource[];
}

export type TaskConstraint = { value: { negated: boolean; values: string[] } } | { limit: { limit: number } };

export interface Constraint {
  name: string;
  constraint: TaskConstraint;
}

export interface Volume {
  containerPath: string;
  hostPath: string;
  /** Mode: RW = 1, RO = 2. */
  mode: number;
}

export type Image = { docker: { name: string; tag: string } } | { appc: { name: string; imageId: string } };

export type Container =
  | { mesos: { image?: Image; volumes?: Volume[] } }
  | { docker: { image: string; parameters?: { name: string; value: string }[] } };

export interface TaskConfig {
  job?: JobKey;
  owner?: Identity;
  isService?: boolean;
  priority?: number;
  maxTaskFailures?: number;
  production?: boolean;
  tier?: string;
  resources?: Resource[];
  constraints?: Constraint[];
  contactEmail?: string;
  /** getTasksWithoutConfigs returns it without `data`. */
  executorConfig?: { name: string; data?: string };
  metadata?: { key: string; value: string }[];
  /** api.thrift's default is `{mesos: {}}`, which the scheduler stores when a job names none. */
  container?: Container;
}

export interface JobConfiguration {
  key: JobKey;
  owner?: Identity;
  cronSchedule?: string;
  cronCollisionPolicy?: number;
  taskConfig: TaskConfig;
  instanceCount: number;
}

export interface TaskEvent {
  timestamp: number;
  status: ScheduleStatus;
  message?: string;
  scheduler?: string;
}

export interface AssignedTask {
  taskId: string;
  slaveId?: string;
  slaveHost?: string;
  task?: TaskConfig;
  assignedPorts?: Record<string, number>;
  instanceId: number;
}

export interface ScheduledTask {
  assignedTask: AssignedTask;
  status: ScheduleStatus;
  failureCount?: number;
  timesPartitioned?: number;
  taskEvents?: TaskEvent[];
  ancestorId?: string;
}

export interface TaskQuery {
  role?: string;
  environment?: string;
  jobName?: string;
  taskIds?: string[];
  statuses?: ScheduleStatus[];
  instanceIds?: number[];
  slaveHosts?: string[];
  jobKeys?: JobKey[];
  offset?: number;
  limit?: number;
}

export interface RoleSummary {
  role: string;
  jobCount: number;
  cronJobCount: number;
}

export interface JobStats {
  activeTaskCount: number;
  finishedTaskCount: number;
  failedTaskCount: number;
  pendingTaskCount: number;
}

export interface JobSummary {
  job: JobConfiguration;
  stats: JobStats;
  nextCronRunMs?: number;
}

export interface Result {
  scheduleStatusResult?: { tasks: ScheduledTask[] };
  getJobsResult?: { configs: JobConfiguration[] };
  getQuotaResult?: { quota?: ResourceAggregate };
  listBackupsResult?: { backups: string[] };
  queryRecoveryResult?: { tasks: ScheduledTask[] };
  roleSummaryResult?: { summaries: RoleSummary[] };
  jobSummaryResult?: { summaries: JobSummary[] };
}

export interface Response {
  responseCode: ResponseCode;
  serverInfo?: { clusterName?: string; statsUrlPrefix?: string };
  result?: Result;
  details?: { message: string }[];
}
