// AuroraCluster: zod schema of the spec (defaults and `kubectl explain` text live here), the object and its types.
import { z } from 'zod';
import {
  BOOTSTRAP_RULES,
  BootstrapSpec,
  refineBootstrap,
  refineBootstrapLocation,
  ClusterStatusWithBootstrap as AuroraClusterStatus,
} from './bootstrap-spec.ts';
import { DiagnosticsSpec, ThermosObserverSpec } from './diagnostics-schema.ts';
import { BackupVerify } from './backup-verify.ts';
import { ObjectStoreSpec } from './object-store-spec.ts';
import { Duration } from './duration.ts';
import { API_VERSION, AURORA_CLUSTER } from './group.ts';
import { ExtraArgs } from './scheduler-flags.ts';
import { pluginFlagProblems, VERSION_FIELDS, VERSION_RULES } from './version-spec.ts';

export {
  CLUSTER_PHASES,
  REHEARSAL_STEPS,
  SCALING_STEPS,
  type ClusterPhase,
  type RehearsalFailure,
  type RehearsalStatus,
  type RehearsalStep,
  type RehearsedBackups,
  type ScalingStatus,
  type ScalingStep,
} from './aurora-cluster-status.ts';

const HOST_PORT = String.raw`[A-Za-z0-9.-]+:[0-9]{1,5}`;

// ZooKeeper refuses "." and ".." nodes, empty nodes and a trailing slash, and a mount path with ".." is refused
// by the apiserver, so such a path would only fail later, in a scheduler or in the StatefulSet
// a character class, because CEL string literals have no \. escape
const DOT_SEGMENT = '(^|/)[.][.]?(/|$)';
const PATH_MESSAGE =
  'must be an absolute path of non-empty segments, without "." or ".." and without a trailing /';

export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/[^/]+)+$/, { error: PATH_MESSAGE })
  .refine((path) => !new RegExp(DOT_SEGMENT).test(path), { error: PATH_MESSAGE })
  .meta({ 'x-kubernetes-validations': [{ rule: `!self.matches('${DOT_SEGMENT}')`, message: PATH_MESSAGE }] });

export const Quantity = z
  .union([z.int().min(0), z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/)])
  .meta({ 'x-kubernetes-int-or-string': true });

const DataSize = z
  .string()
  .regex(/^[0-9]+(B|KB|MB|GB|TB|PB)$/, { error: 'must be an Aurora data size such as 128MB' });

const Storage = (defaultSize: string, what: string) =>
  z
    .object({
      size: z
        .string()
        .regex(/^[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/)
        .default(defaultSize)
        .describe(
          `Size of the PersistentVolumeClaim for ${what}; it may grow (the PVCs are expanded when their StorageClass allows it), never shrink.`,
        )
        .meta({
          'x-kubernetes-validations': [
            {
              rule: 'quantity(self).compareTo(quantity(oldSelf)) >= 0',
              message: `${what} storage.size cannot shrink: a PersistentVolumeClaim can only grow`,
            },
          ],
        }),
      storageClassName: z
        .string()
        .optional()
        .describe(
          `StorageClass of the ${what} volume; Aurora recommends a dedicated disk, preferably SSD, for the replicated log.`,
        ),
    })
    .prefault({})
    .describe(`Per-replica PersistentVolumeClaim for ${what}.`);

const RetentionChoice = z.enum(['Retain', 'Delete']).default('Retain');

const ClaimRetention = z
  .object({
    whenScaled: RetentionChoice.describe(
      'What happens to the PVCs of a replica removed by a scale-down (Retain keeps them; a replica that comes back later starts with an empty log and catches up).',
    ),
    whenDeleted: RetentionChoice.describe('What happens to the PVCs when the AuroraCluster is deleted.'),
  })
  .prefault({})
  .describe("The StatefulSet's persistentVolumeClaimRetentionPolicy for the log and backup volumes.");

const ZooKeeper = z
  .object({
    endpoints: z
      .array(z.string().regex(new RegExp(`^${HOST_PORT}$`), { error: 'must be host:port' }))
      .min(1)
      .max(32)
      .describe('ZooKeeper ensemble as host:port entries (-zk_endpoints).'),
    chrootPath: AbsolutePath.optional().describe(
      'Chroot appended to the Curator connect string (-zk_chroot_path); the replicated log ignores it.',
    ),
    digestCredentialsSecret: z
      .object({
        name: z.string().min(1).describe('Name of a Secret in the cluster namespace.'),
        key: z.string().min(1).default('credentials').describe('Key holding user:password.'),
      })
      .optional()
      .describe(
        'Secret key with user:password for -zk_digest_credentials, mounted as a file and passed as @file.',
      ),
    sessionTimeout: Duration.optional().describe(
      'ZooKeeper session timeout (-zk_session_timeout, Aurora 15secs).',
    ),
    connectionTimeout: Duration.optional().describe(
      'ZooKeeper connection timeout (-zk_connection_timeout, Aurora 10secs).',
    ),
  })
  .describe('ZooKeeper used for leader election, discovery and replicated-log membership.');

const Mesos = z
  .object({
    masterAddress: z
      .string()
      .regex(new RegExp(`^(zk://${HOST_PORT}(,${HOST_PORT})*/[^\\s]*|${HOST_PORT})$`), {
        error: 'must be zk://host:port[,host:port]/path or host:port',
      })
      .describe(
        "Mesos master (-mesos_master_address): must equal the masters' --zk, e.g. zk://zk:2181/mesos.",
      ),
    maxRegistrationDelay: Duration.default('1mins').describe(
      'A new leader not registered with Mesos within this delay exits (-max_registration_delay).',
    ),
    frameworkName: z
      .string()
      .min(1)
      .optional()
      .describe('Mesos framework name (-framework_name, Aurora "Aurora").'),
    role: z.string().min(1).optional().describe('Mesos role of the framework (-mesos_role).'),
  })
  .describe('Mesos registration settings.');

const ReplicatedLog = z
  .object({
    path: AbsolutePath.default('/var/lib/aurora/scheduler/db').describe(
      'Directory of the local log replica (-native_log_file_path); its own volume is mounted here.',
    ),
    zkGroupPath: AbsolutePath.default('/aurora/replicated-log').describe(
      'ZooKeeper node where log replicas register (-native_log_zk_group_path).',
    ),
    quorumSize: z
      .int()
      .min(1)
      .max(4)
      .optional()
      .describe(
        'Optional check only: must equal floor(replicas/2)+1, the value the operator always passes; a wrong quorum corrupts data.',
      ),
    storage: Storage('10Gi', 'replicated log'),
    electionTimeout: Duration.optional().describe(
      'One log-writer election attempt (-native_log_election_timeout).',
    ),
    electionRetries: z
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Maximum log-writer election attempts (-native_log_election_retries).'),
    readTimeout: Duration.optional().describe('Timeout of log reads (-native_log_read_timeout).'),
    writeTimeout: Duration.optional().describe('Timeout of log appends (-native_log_write_timeout).'),
    snapshotInterval: Duration.optional().describe(
      'Full snapshot to the log followed by truncation (-dlog_snapshot_interval, Aurora 1hrs).',
    ),
  })
  .prefault({})
  .describe('Mesos replicated log that stores the scheduler state.');

const Backup = z
  .object({
    dir: AbsolutePath.default('/var/lib/aurora/scheduler/backups').describe(
      'Backup directory (-backup_dir) on its own volume, apart from the replicated log.',
    ),
    interval: Duration.default('1hrs').describe('Minimum time between backups (-backup_interval).'),
    maxSaved: z
      .int()
      .min(1)
      .max(10000)
      .default(48)
      .describe('Backups kept per replica (-max_saved_backups).'),
    preRestoreLogRetention: Duration.default('3days').describe(
      'How long the replicated log a restore moved aside is kept after the restore succeeded; without success it is kept.',
    ),
    storage: Storage('10Gi', 'backups'),
    verify: BackupVerify,
    objectStore: ObjectStoreSpec.optional(),
  })
  .prefault({})
  .describe('Local scheduler backups, the input of an AuroraRestore.');

const ThermosExecutor = z
  .object({
    path: z.string().min(1).describe('Thermos executor path or URL on the agents (-thermos_executor_path).'),
    flags: z.string().optional().describe('Extra executor flags (-thermos_executor_flags).'),
    resources: z
      .array(z.string().min(1))
      .max(64)
      .optional()
      .describe('URIs fetched into the sandbox (-thermos_executor_resources).'),
    cpu: z.number().positive().optional().describe('CPU of the executor overhead (-thermos_executor_cpu).'),
    ram: DataSize.optional().describe('RAM of the executor overhead, e.g. 128MB (-thermos_executor_ram).'),
  })
  .describe('Thermos executor settings; the path is required by Aurora.');

// Kubernetes' qualified name (annotation and label keys) and label value, so the pod template the operator
// builds from them is never refused by the apiserver after the AuroraCluster was accepted.
const NAME_PART = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const QUALIFIED_NAME = `^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?${NAME_PART}$`;
const LABEL_VALUE = `^(${NAME_PART})?$`;
const MAP_KEYS_RULE = `self.all(k, k.matches('${QUALIFIED_NAME}'))`;
const MAP_KEYS_MESSAGE =
  'keys must be qualified names: [prefix/]name, name at most 63 characters of [A-Za-z0-9-_.]';

/** KeyedMap is a string map whose keys must be Kubernetes qualified names, checked by zod and by CEL alike. */
const KeyedMap = (value: z.ZodString, maxProperties: number) =>
  z
    .record(z.string().max(317), value)
    .superRefine((map, ctx) => {
      const keys = Object.keys(map);
      if (keys.length > maxProperties)
        ctx.addIssue({ code: 'custom', message: `at most ${maxProperties} entries` });
      const bad = keys.find((k) => !new RegExp(QUALIFIED_NAME).test(k));
      if (bad !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `${MAP_KEYS_MESSAGE} (got ${JSON.stringify(bad.slice(0, 80))})`,
        });
    })
    .meta({
      maxProperties,
      'x-kubernetes-validations': [{ rule: MAP_KEYS_RULE, message: MAP_KEYS_MESSAGE }],
    });

const Toleration = z.object({
  key: z.string().optional().describe('Taint key.'),
  operator: z.enum(['Exists', 'Equal']).optional().describe('Exists or Equal.'),
  value: z.string().optional().describe('Taint value.'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect.'),
  tolerationSeconds: z.int().optional().describe('How long a NoExecute taint is tolerated.'),
});

const Scheduling = z
  .object({
    nodeSelector: KeyedMap(
      z.string().regex(new RegExp(LABEL_VALUE), {
        error: 'must be a label value: at most 63 characters of [A-Za-z0-9-_.]',
      }),
      64,
    )
      .optional()
      .describe('Node labels the pods must match.'),
    affinity: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Kubernetes pod affinity, copied verbatim into the pod spec.')
      .meta({ 'x-kubernetes-preserve-unknown-fields': true }),
    tolerations: z.array(Toleration).optional().describe('Tolerations of the scheduler pods.'),
  })
  .describe('Placement of the scheduler pods.');

const ResourceRequirements = z
  .object({
    limits: z.record(z.string(), Quantity).optional().describe('Resource limits, e.g. memory: 2Gi.'),
    requests: z.record(z.string(), Quantity).optional().describe('Resource requests, e.g. cpu: 500m.'),
  })
  .describe('Requests and limits of the scheduler container.');

const PORTS_MESSAGE = 'httpPort, libprocessPort and backupAgent.port must all differ';

export const AuroraClusterSpec = z
  .object({
    clusterName: z
      .string()
      .min(1)
      .max(253)
      .describe('Aurora cluster name returned to clients (-cluster_name).'),
    replicas: z
      .int()
      .min(1)
      .max(7, { error: 'replicas must be at most 7 (1, 3, 5 or 7)' })
      .describe(
        'Number of schedulers: odd, 1 to 7. A change is carried out in the quorum order of docs/scaling.md.',
      )
      .meta({
        'x-kubernetes-validations': [
          { rule: 'self % 2 == 1', message: 'replicas must be odd (1, 3, 5 or 7)' },
        ],
      }),
    image: z.string().min(1).default('aurora-scheduler:0.22.0').describe('Aurora scheduler image.'),
    ...VERSION_FIELDS,
    imagePullPolicy: z
      .enum(['Always', 'IfNotPresent', 'Never'])
      .default('IfNotPresent')
      .describe('Image pull policy of the scheduler and log-init containers.'),
    paused: z.boolean().default(false).describe('When true the operator stops reconciling this cluster.'),
    zookeeper: ZooKeeper,
    serversetPath: AbsolutePath.default('/aurora/scheduler').describe(
      'ZooKeeper path for leader election and discovery (-serverset_path).',
    ),
    mesos: Mesos,
    maxLeadingDuration: Duration.optional().describe(
      'The leader fails over on purpose after leading this long (-max_leading_duration, Aurora 1days).',
    ),
    replicatedLog: ReplicatedLog,
    backup: Backup,
    bootstrap: BootstrapSpec.optional(),
    persistentVolumeClaimRetentionPolicy: ClaimRetention,
    backupAgent: z
      .object({
        image: z
          .string()
          .min(1)
          .default('aurora-operator:0.1.0')
          .describe('Image of the backup-agent sidecar; its PATH provides `aurora-operator`.'),
        port: z
          .int()
          .min(1)
          .max(65535)
          .default(8084)
          .describe('Port the backup agent listens on, on the pod IP.'),
      })
      .prefault({})
      .describe('Sidecar in every scheduler pod that lists, streams and receives backup files for restores.'),
    httpPort: z.int().min(1).max(65535).default(8081).describe('Scheduler HTTP port (-http_port).'),
    libprocessPort: z.int().min(1).max(65535).default(8083).describe('libprocess port (LIBPROCESS_PORT).'),
    thermosExecutor: ThermosExecutor,
    thermosObserver: ThermosObserverSpec.optional(),
    diagnostics: DiagnosticsSpec,
    jvm: z
      .object({
        options: z
          .array(z.string())
          .default([])
          .describe("JVM options joined into JAVA_OPTS; empty keeps the image's JAVA_OPTS."),
      })
      .prefault({})
      .describe('JVM settings.'),
    resources: ResourceRequirements.optional(),
    scheduling: Scheduling.optional(),
    serviceAccountName: z.string().min(1).optional().describe('ServiceAccount of the scheduler pods.'),
    podAnnotations: KeyedMap(z.string().max(65536), 64)
      .optional()
      .describe('Annotations added to the scheduler pods.'),
    extraArgs: ExtraArgs,
  })
  .superRefine((spec, ctx) => {
    if (spec.replicas % 2 === 0) {
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'replicas must be odd (1, 3, 5 or 7)' });
    }
    // the scheduler and the backup agent share the pod's network, so equal ports cannot both bind
    if (spec.libprocessPort === spec.httpPort) {
      ctx.addIssue({ code: 'custom', path: ['libprocessPort'], message: PORTS_MESSAGE });
    }
    if ([spec.httpPort, spec.libprocessPort].includes(spec.backupAgent.port)) {
      ctx.addIssue({ code: 'custom', path: ['backupAgent', 'port'], message: PORTS_MESSAGE });
    }
    for (const [i, message] of pluginFlagProblems(spec))
      ctx.addIssue({ code: 'custom', path: ['extraArgs', i], message });
    refineBootstrap(spec, ctx);
    const quorum = Math.floor(spec.replicas / 2) + 1;
    const given = spec.replicatedLog.quorumSize;
    if (given !== undefined && given !== quorum) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicatedLog', 'quorumSize'],
        message: `quorumSize must equal floor(replicas/2)+1 = ${quorum}`,
      });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!has(self.replicatedLog) || !has(self.replicatedLog.quorumSize) || self.replicatedLog.quorumSize == self.replicas / 2 + 1',
        message: 'replicatedLog.quorumSize must equal floor(replicas/2)+1',
      },
      {
        rule: '(has(self.libprocessPort) ? self.libprocessPort : 8083) != (has(self.httpPort) ? self.httpPort : 8081)',
        fieldPath: '.libprocessPort',
        message: PORTS_MESSAGE,
      },
      {
        rule: '!has(self.backupAgent) || !has(self.backupAgent.port) || !(self.backupAgent.port in [has(self.httpPort) ? self.httpPort : 8081, has(self.libprocessPort) ? self.libprocessPort : 8083])',
        fieldPath: '.backupAgent.port',
        message: PORTS_MESSAGE,
      },
      ...VERSION_RULES,
      ...BOOTSTRAP_RULES,
    ],
  })
  .describe('Desired state of an Aurora scheduler cluster.');

export type AuroraClusterSpec = z.infer<typeof AuroraClusterSpec>;
export type AuroraClusterSpecInput = z.input<typeof AuroraClusterSpec>;

export const ObjectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export type ObjectMeta = z.infer<typeof ObjectMeta>;

export { AuroraClusterStatus };

export const AuroraCluster = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(AURORA_CLUSTER.kind),
    metadata: ObjectMeta,
    spec: AuroraClusterSpec,
    status: AuroraClusterStatus.optional(),
  })
  .superRefine(refineBootstrapLocation);

export type AuroraCluster = z.infer<typeof AuroraCluster>;
export type AuroraClusterInput = z.input<typeof AuroraCluster>;

/** quorumSize is the replicated-log write quorum for a replica count: floor(n/2)+1. */
export function quorumSize(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}
