// Seeded generator of AuroraCluster and AuroraRestore manifests for the admission fuzz: valid ones, ones at the
// schema's limits, and mutated ones (wrong types, huge strings, unicode, bad flags, `..` paths, extreme durations).

export type FuzzCategory = 'valid' | 'boundary' | 'mutated';

export interface FuzzCase {
  readonly id: number;
  readonly kind: 'AuroraCluster' | 'AuroraRestore';
  readonly category: FuzzCategory;
  /** what was done to the manifest, e.g. "wrong-type spec.replicas" */
  readonly mutation: string;
  /** dotted path of the changed field; a rejection must name it */
  readonly field: string;
  /** a flag case another change owns the rules of: either allowed outcome is fine, and it is counted apart */
  readonly flagCase: boolean;
  readonly body: Record<string, unknown>;
}

export interface FuzzTarget {
  namespace: string;
  zookeeper: string;
}

/** createPrng is mulberry32: small, fast and the same sequence for a seed on every platform. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const UNICODE = ['é', 'ß', '日本', '🚀', '\u200b', '\u202e', 'Ω', '\u0000', '\ud83d', '﷽'];
const DURATIONS = ['0ns', '1ns', '0secs', '1days', '106751days', '999999999days', '9223372036854775807ns'];
const BAD_DURATIONS = ['1min', '-1secs', '1.5secs', '10', 'secs', '1 secs', '99999999999999999999999days'];
const FLAGS = [
  ['-enable_preemptor=true', '-enable_preemptor=true'],
  ['-enable_preemptor=true', '-enable_preemptor=false'],
  ['--enable_preemptor=true'],
  ['--allowed_container_types=MESOS'],
  ['-backup=/tmp/x'],
  ['-from=/var/lib/aurora/scheduler/backups/b'],
  ['-to=/var/lib/aurora/scheduler/db'],
  ['-no_such_flag=1'],
  ['-http_port=9999'],
  ['-enable_preemptor'],
  ['-allowed_container_types=MESOS\n-http_port=1'],
  ['enable_preemptor=true'],
];
const DOT_PATHS = ['/var/lib/../../etc', '/..', '/a/./b', '/a//b', '/a/b/', '/a/b/..'];
const PATH_FIELDS = [
  'spec.replicatedLog.path',
  'spec.backup.dir',
  'spec.serversetPath',
  'spec.replicatedLog.zkGroupPath',
  'spec.zookeeper.chrootPath',
];
const DURATION_FIELDS = [
  'spec.mesos.maxRegistrationDelay',
  'spec.backup.interval',
  'spec.backup.preRestoreLogRetention',
  'spec.maxLeadingDuration',
  'spec.zookeeper.sessionTimeout',
  'spec.replicatedLog.electionTimeout',
  'spec.replicatedLog.snapshotInterval',
];
const CLUSTER_FIELDS: Record<string, 'int' | 'string' | 'array' | 'bool' | 'number' | 'record'> = {
  'spec.replicas': 'int',
  'spec.httpPort': 'int',
  'spec.backup.maxSaved': 'int',
  'spec.replicatedLog.electionRetries': 'int',
  'spec.clusterName': 'string',
  'spec.image': 'string',
  'spec.thermosExecutor.path': 'string',
  'spec.mesos.masterAddress': 'string',
  'spec.serviceAccountName': 'string',
  'spec.zookeeper.endpoints': 'array',
  'spec.extraArgs': 'array',
  'spec.jvm.options': 'array',
  'spec.paused': 'bool',
  'spec.thermosExecutor.cpu': 'number',
  'spec.podAnnotations': 'record',
};
const RESTORE_FIELDS: Record<string, 'int' | 'string' | 'array' | 'bool' | 'record'> = {
  'spec.cluster': 'string',
  'spec.backupId': 'string',
  'spec.deleteTasks.taskIds': 'array',
  'spec.deleteTasks.jobKeys': 'array',
  'spec.approval.required': 'bool',
  'spec.blockClientTraffic': 'bool',
  'spec.strategy': 'string',
  'spec.cancel': 'bool',
};
const WRONG: Record<string, unknown[]> = {
  int: ['3', 3.5, true, [], {}, -1, 2 ** 53],
  string: [42, true, ['x'], { a: 1 }, ''],
  array: ['x', 1, { a: 'b' }, [1, 2]],
  bool: ['true', 1, 'yes', []],
  number: ['0.5', -1, 0, [1]],
  record: ['x', [1], { a: 1 }],
};

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = body;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ''] = value;
}

export function baseCluster(t: FuzzTarget, name: string): Record<string, unknown> {
  return {
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraCluster',
    metadata: { name, namespace: t.namespace },
    spec: {
      clusterName: name,
      replicas: 1,
      zookeeper: { endpoints: [t.zookeeper] },
      serversetPath: `/fuzz/${name}/scheduler`,
      mesos: { masterAddress: `zk://${t.zookeeper}/mesos` },
      replicatedLog: { zkGroupPath: `/fuzz/${name}/replicated-log`, storage: { size: '64Mi' } },
      backup: { storage: { size: '64Mi' } },
      thermosExecutor: { path: '/usr/share/aurora/bin/thermos_executor.pex' },
    },
  };
}

function baseRestore(t: FuzzTarget, name: string): Record<string, unknown> {
  return {
    apiVersion: 'aurora-operator.io/v1alpha1',
    kind: 'AuroraRestore',
    metadata: { name, namespace: t.namespace },
    // no cluster of this name exists, so a restore that gets through admission can only fail with a reason
    spec: { cluster: `absent-${name}`, backupId: 'scheduler-backup-2024-01-31-23-00' },
  };
}

function hugeString(rng: Rng): string {
  const size = pick(rng, [254, 1025, 5000, 70_000]);
  return pick(rng, ['a', 'é', '🚀', 'x-']).repeat(size).slice(0, size);
}

type Mutator = (rng: Rng, body: Record<string, unknown>) => { mutation: string; field: string };

const clusterMutators: Mutator[] = [
  (rng, body) => {
    const field = pick(rng, Object.keys(CLUSTER_FIELDS));
    setPath(body, field, pick(rng, WRONG[CLUSTER_FIELDS[field] ?? 'string'] ?? []));
    return { mutation: `wrong-type ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, [
      'spec.clusterName',
      'spec.image',
      'spec.thermosExecutor.flags',
      'spec.mesos.role',
    ]);
    setPath(body, field, hugeString(rng));
    return { mutation: `huge-string ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, ['spec.clusterName', 'metadata.name', 'spec.mesos.frameworkName', 'spec.image']);
    setPath(body, field, `fuzz${pick(rng, UNICODE)}${pick(rng, UNICODE)}`);
    return { mutation: `unicode ${field}`, field };
  },
  (rng, body) => {
    setPath(body, 'spec.extraArgs', pick(rng, FLAGS));
    return { mutation: 'extraArgs flags', field: 'spec.extraArgs' };
  },
  (rng, body) => {
    const field = pick(rng, PATH_FIELDS);
    setPath(body, field, pick(rng, DOT_PATHS));
    return { mutation: `dot-path ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, DURATION_FIELDS);
    setPath(body, field, pick(rng, [...DURATIONS, ...BAD_DURATIONS]));
    return { mutation: `duration ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, [
      'spec.replicas',
      'spec.httpPort',
      'spec.backup.maxSaved',
      'spec.backupAgent.port',
    ]);
    setPath(body, field, pick(rng, [0, -1, 2, 8, 65536, 10001, 2 ** 31]));
    return { mutation: `out-of-range ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, ['spec.podAnnotations', 'spec.scheduling.nodeSelector']);
    setPath(body, field, { [`bad key ${pick(rng, UNICODE)}`]: 'v', ok: hugeString(rng) });
    return { mutation: `map keys ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, ['spec.libprocessPort', 'spec.backupAgent.port']);
    setPath(body, field, 8081);
    return { mutation: `port clash ${field}`, field };
  },
];

const restoreMutators: Mutator[] = [
  (rng, body) => {
    const field = pick(rng, Object.keys(RESTORE_FIELDS));
    setPath(body, field, pick(rng, WRONG[RESTORE_FIELDS[field] ?? 'string'] ?? []));
    return { mutation: `wrong-type ${field}`, field };
  },
  (rng, body) => {
    const field = pick(rng, ['spec.cluster', 'spec.backupId', 'spec.deleteTasks.taskIds']);
    const value = hugeString(rng);
    setPath(body, field, field.endsWith('taskIds') ? [value] : value);
    return { mutation: `huge-string ${field}`, field };
  },
  (rng, body) => {
    const value = pick(rng, [
      'scheduler-backup-../../etc/passwd',
      '../scheduler-backup-2024-01-31-23-00',
      'scheduler-backup-2024-13-99-99-99',
      `scheduler-backup-2024-01-31-23-00${pick(rng, UNICODE)}`,
    ]);
    setPath(body, 'spec.backupId', value);
    return { mutation: 'backupId path or date', field: 'spec.backupId' };
  },
  (rng, body) => {
    setPath(body, 'spec.deleteTasks.jobKeys', [pick(rng, ['a/b', 'a/b/c/d', '../b/c', 'a b/c/d', 'r/e/🚀'])]);
    return { mutation: 'jobKeys format', field: 'spec.deleteTasks.jobKeys' };
  },
  (rng, body) => {
    setPath(body, 'spec.strategy', 'Offline');
    const approval = rng() < 0.5;
    setPath(body, approval ? 'spec.approval.required' : 'spec.deleteTasks.taskIds', approval ? true : ['t']);
    return {
      mutation: 'Offline with staging options',
      field: approval ? 'spec.approval.required' : 'spec.deleteTasks',
    };
  },
  (rng, body) => {
    const field = pick(rng, ['spec.cluster', 'metadata.name']);
    setPath(body, field, `r${pick(rng, UNICODE)}`);
    return { mutation: `unicode ${field}`, field };
  },
];

function boundary(rng: Rng, kind: FuzzCase['kind'], body: Record<string, unknown>): string {
  if (kind === 'AuroraRestore') {
    // Offline takes no deleteTasks, so only a Staged restore carries the long list
    if (rng() < 0.5) setPath(body, 'spec.strategy', 'Offline');
    else
      setPath(
        body,
        'spec.deleteTasks.taskIds',
        Array.from({ length: 200 }, (_, i) => `t-${i}`.repeat(40)),
      );
    return 'restore at limits';
  }
  const choice = pick(rng, ['replicas', 'ports', 'sizes', 'args', 'durations']);
  if (choice === 'replicas') setPath(body, 'spec.replicatedLog.quorumSize', 1);
  if (choice === 'ports') setPath(body, 'spec.httpPort', pick(rng, [1, 65535]));
  if (choice === 'sizes') setPath(body, 'spec.backup.maxSaved', pick(rng, [1, 10000]));
  if (choice === 'args') setPath(body, 'spec.extraArgs', ['-enable_preemptor=false', '-offer_order=CPU']);
  if (choice === 'durations') setPath(body, 'spec.backup.interval', pick(rng, ['1ns', '1days']));
  return `boundary ${choice}`;
}

/** generateFuzzCases returns count cases, a third each of AuroraRestore, 10% valid, 15% boundary, the rest mutated. */
export function generateFuzzCases(count: number, seed: number, t: FuzzTarget): FuzzCase[] {
  const rng = createPrng(seed);
  return Array.from({ length: count }, (_, id) => {
    const kind = rng() < 1 / 3 ? 'AuroraRestore' : 'AuroraCluster';
    const name = `fuzz-${seed}-${id}`;
    const body = kind === 'AuroraCluster' ? baseCluster(t, name) : baseRestore(t, name);
    const roll = rng();
    if (roll < 0.1)
      return { id, kind, category: 'valid', mutation: 'none', field: 'spec', flagCase: false, body };
    if (roll < 0.25) {
      const mutation = boundary(rng, kind, body);
      return { id, kind, category: 'boundary', mutation, field: 'spec', flagCase: false, body };
    }
    const { mutation, field } = pick(rng, kind === 'AuroraCluster' ? clusterMutators : restoreMutators)(
      rng,
      body,
    );
    return { id, kind, category: 'mutated', mutation, field, flagCase: field === 'spec.extraArgs', body };
  });
}
