// The subset of Aurora's api.thrift (0.22) the operator and simulator use; field ids are exact.
import { list, map, set, struct, union } from './schema.ts';

export const IdentitySpec = struct('Identity', [[2, 'user', 'string']]);

export const JobKeySpec = struct('JobKey', [
  [1, 'role', 'string'],
  [2, 'environment', 'string'],
  [3, 'name', 'string'],
]);

export const ResourceSpec = union('Resource', [
  [1, 'numCpus', 'double'],
  [2, 'ramMb', 'i64'],
  [3, 'diskMb', 'i64'],
  [4, 'namedPort', 'string'],
  [5, 'numGpus', 'i64'],
  // added by the aurora-scheduler fork (0.23+); a decoder without it would drop the resource to an empty union
  [6, 'ipAddr', 'i64'],
]);

/** Aurora 0.22 keeps only field 4; the numCpus, ramMb and diskMb fields of older releases are skipped. */
export const ResourceAggregateSpec = struct('ResourceAggregate', [[4, 'resources', set(ResourceSpec)]]);

export const ExecutorConfigSpec = struct('ExecutorConfig', [
  [1, 'name', 'string'],
  [2, 'data', 'string'],
]);

export const MetadataSpec = struct('Metadata', [
  [1, 'key', 'string'],
  [2, 'value', 'string'],
]);

export const ValueConstraintSpec = struct('ValueConstraint', [
  [1, 'negated', 'bool'],
  [2, 'values', set('string')],
]);

export const LimitConstraintSpec = struct('LimitConstraint', [[1, 'limit', 'i32']]);

export const TaskConstraintSpec = union('TaskConstraint', [
  [1, 'value', ValueConstraintSpec],
  [2, 'limit', LimitConstraintSpec],
]);

export const ConstraintSpec = struct('Constraint', [
  [1, 'name', 'string'],
  [2, 'constraint', TaskConstraintSpec],
]);

export const DockerParameterSpec = struct('DockerParameter', [
  [1, 'name', 'string'],
  [2, 'value', 'string'],
]);

export const ImageSpec = union('Image', [
  [
    1,
    'docker',
    struct('DockerImage', [
      [1, 'name', 'string'],
      [2, 'tag', 'string'],
    ]),
  ],
  [
    2,
    'appc',
    struct('AppcImage', [
      [1, 'name', 'string'],
      [2, 'imageId', 'string'],
    ]),
  ],
]);

export const VolumeSpec = struct('Volume', [
  [1, 'containerPath', 'string'],
  [2, 'hostPath', 'string'],
  [3, 'mode', 'i32'],
]);

export const ContainerSpec = union('Container', [
  [
    1,
    'mesos',
    struct('MesosContainer', [
      [1, 'image', ImageSpec],
      [2, 'volumes', list(VolumeSpec)],
    ]),
  ],
  [
    2,
    'docker',
    struct('DockerContainer', [
      [1, 'image', 'string'],
      [2, 'parameters', list(DockerParameterSpec)],
    ]),
  ],
]);

/** TaskConfig reduced to the fields a job needs to be identified, placed, sized and run; others are skipped. */
export const TaskConfigSpec = struct('TaskConfig', [
  [28, 'job', JobKeySpec],
  [17, 'owner', IdentitySpec],
  [7, 'isService', 'bool'],
  [11, 'priority', 'i32'],
  [13, 'maxTaskFailures', 'i32'],
  [18, 'production', 'bool'],
  [30, 'tier', 'string'],
  [32, 'resources', set(ResourceSpec)],
  [20, 'constraints', set(ConstraintSpec)],
  [23, 'contactEmail', 'string'],
  [25, 'executorConfig', ExecutorConfigSpec],
  [27, 'metadata', set(MetadataSpec)],
  [29, 'container', ContainerSpec],
]);

export const JobConfigurationSpec = struct('JobConfiguration', [
  [9, 'key', JobKeySpec],
  [7, 'owner', IdentitySpec],
  [4, 'cronSchedule', 'string'],
  [5, 'cronCollisionPolicy', 'i32'],
  [6, 'taskConfig', TaskConfigSpec],
  [8, 'instanceCount', 'i32'],
]);

export const TaskEventSpec = struct('TaskEvent', [
  [1, 'timestamp', 'i64'],
  [2, 'status', 'i32'],
  [3, 'message', 'string'],
  [4, 'scheduler', 'string'],
]);

export const AssignedTaskSpec = struct('AssignedTask', [
  [1, 'taskId', 'string'],
  [2, 'slaveId', 'string'],
  [3, 'slaveHost', 'string'],
  [4, 'task', TaskConfigSpec],
  [5, 'assignedPorts', map('string', 'i32')],
  [6, 'instanceId', 'i32'],
]);

export const ScheduledTaskSpec = struct('ScheduledTask', [
  [1, 'assignedTask', AssignedTaskSpec],
  [2, 'status', 'i32'],
  [3, 'failureCount', 'i32'],
  [6, 'timesPartitioned', 'i32'],
  [4, 'taskEvents', list(TaskEventSpec)],
  [5, 'ancestorId', 'string'],
]);

export const TaskQuerySpec = struct('TaskQuery', [
  [14, 'role', 'string'],
  [9, 'environment', 'string'],
  [2, 'jobName', 'string'],
  [4, 'taskIds', set('string')],
  [5, 'statuses', set('i32')],
  [7, 'instanceIds', set('i32')],
  [10, 'slaveHosts', set('string')],
  [11, 'jobKeys', set(JobKeySpec)],
  [12, 'offset', 'i32'],
  [13, 'limit', 'i32'],
]);

export const ScheduleStatusResultSpec = struct('ScheduleStatusResult', [
  [1, 'tasks', list(ScheduledTaskSpec)],
]);
export const ListBackupsResultSpec = struct('ListBackupsResult', [[1, 'backups', set('string')]]);
export const QueryRecoveryResultSpec = struct('QueryRecoveryResult', [[1, 'tasks', set(ScheduledTaskSpec)]]);

export const RoleSummaryResultSpec = struct('RoleSummaryResult', [
  [
    1,
    'summaries',
    set(
      struct('RoleSummary', [
        [1, 'role', 'string'],
        [2, 'jobCount', 'i32'],
        [3, 'cronJobCount', 'i32'],
      ]),
    ),
  ],
]);

export const JobStatsSpec = struct('JobStats', [
  [1, 'activeTaskCount', 'i32'],
  [2, 'finishedTaskCount', 'i32'],
  [3, 'failedTaskCount', 'i32'],
  [4, 'pendingTaskCount', 'i32'],
]);

export const JobSummaryResultSpec = struct('JobSummaryResult', [
  [
    1,
    'summaries',
    set(
      struct('JobSummary', [
        [1, 'job', JobConfigurationSpec],
        [2, 'stats', JobStatsSpec],
        [3, 'nextCronRunMs', 'i64'],
      ]),
    ),
  ],
]);

/** getJobs: cron templates and, for other jobs, a JobConfiguration synthesized from their active tasks. */
export const GetJobsResultSpec = struct('GetJobsResult', [[1, 'configs', set(JobConfigurationSpec)]]);

/** getQuota: the role's quota (zero cpus, ram and disk when none is set); the consumption fields are not read. */
export const GetQuotaResultSpec = struct('GetQuotaResult', [[1, 'quota', ResourceAggregateSpec]]);

export const ResultSpec = union('Result', [
  [3, 'scheduleStatusResult', ScheduleStatusResultSpec],
  [4, 'getJobsResult', GetJobsResultSpec],
  [5, 'getQuotaResult', GetQuotaResultSpec],
  [6, 'listBackupsResult', ListBackupsResultSpec],
  [9, 'queryRecoveryResult', QueryRecoveryResultSpec],
  [17, 'roleSummaryResult', RoleSummaryResultSpec],
  [18, 'jobSummaryResult', JobSummaryResultSpec],
]);

export const ServerInfoSpec = struct('ServerInfo', [
  [1, 'clusterName', 'string'],
  [3, 'statsUrlPrefix', 'string'],
]);

export const ResponseDetailSpec = struct('ResponseDetail', [[1, 'message', 'string']]);

export const ResponseSpec = struct('Response', [
  [1, 'responseCode', 'i32'],
  [5, 'serverInfo', ServerInfoSpec],
  [3, 'result', ResultSpec],
  [6, 'details', list(ResponseDetailSpec)],
]);
