// Argument structs of the AuroraAdmin methods we speak; ids as in api.thrift's service blocks.
import { JobConfigurationSpec, JobKeySpec, ResourceAggregateSpec, TaskQuerySpec } from './api-schema.ts';
import { set, struct, type StructSpec } from './schema.ts';

const none = (method: string): StructSpec => struct(`${method}_args`, []);
const queryArg = (method: string): StructSpec => struct(`${method}_args`, [[1, 'query', TaskQuerySpec]]);
const roleArg = (method: string): StructSpec => struct(`${method}_args`, [[1, 'ownerRole', 'string']]);

export const METHOD_ARGS: Readonly<Record<string, StructSpec>> = {
  performBackup: none('performBackup'),
  listBackups: none('listBackups'),
  stageRecovery: struct('stageRecovery_args', [[1, 'backupId', 'string']]),
  queryRecovery: queryArg('queryRecovery'),
  deleteRecoveryTasks: queryArg('deleteRecoveryTasks'),
  commitRecovery: none('commitRecovery'),
  unloadRecovery: none('unloadRecovery'),
  snapshot: none('snapshot'),
  createJob: struct('createJob_args', [[1, 'description', JobConfigurationSpec]]),
  killTasks: struct('killTasks_args', [
    [4, 'job', JobKeySpec],
    [5, 'instances', set('i32')],
    [6, 'message', 'string'],
  ]),
  getTasksWithoutConfigs: queryArg('getTasksWithoutConfigs'),
  getTasksStatus: queryArg('getTasksStatus'),
  getRoleSummary: none('getRoleSummary'),
  getJobSummary: struct('getJobSummary_args', [[1, 'role', 'string']]),
  getJobs: roleArg('getJobs'),
  getQuota: roleArg('getQuota'),
  scheduleCronJob: struct('scheduleCronJob_args', [[1, 'description', JobConfigurationSpec]]),
  descheduleCronJob: struct('descheduleCronJob_args', [[4, 'job', JobKeySpec]]),
  setQuota: struct('setQuota_args', [
    [1, 'ownerRole', 'string'],
    [2, 'quota', ResourceAggregateSpec],
  ]),
};

export function argsSpecOf(method: string): StructSpec | undefined {
  return Object.hasOwn(METHOD_ARGS, method) ? METHOD_ARGS[method] : undefined;
}
