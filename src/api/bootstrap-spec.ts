// spec.bootstrap.fromBackup: a new cluster's first log is written from a backup in an object store (disaster
// recovery, docs/backups.md#bootstrap-a-new-cluster), validated by zod and CEL alike; status.bootstrap records it.
import { z } from 'zod';
import { AuroraClusterStatus as ClusterStatusFields } from './aurora-cluster-status.ts';
import { defaultObjectStorePrefix } from './object-store-env.ts';
import { ObjectStoreSpec } from './object-store-spec.ts';

/** The label of the AuroraRestore a cluster creates to bootstrap itself; its value is the cluster's name. */
export const BOOTSTRAP_OF_LABEL = 'aurora-operator.io/bootstrap-of';

/** bootstrapRestoreName: one name per cluster, so a crash between creating it and recording it finds it again. */
export function bootstrapRestoreName(cluster: string): string {
  return `${cluster}-bootstrap`;
}

// the shape of AuroraRestore's backupId, repeated here because aurora-restore.ts imports this module's parent
const BACKUP_ID_OR_LATEST = /^(latest|scheduler-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2})$/;

const NEEDS_STORE_MESSAGE =
  'bootstrap.fromBackup needs spec.backup.objectStore: the backup agents download through it';
const OWN_PREFIX_MESSAGE =
  "bootstrap.fromBackup.objectStore names this cluster's own shipping location (bucket, endpoint and prefix of " +
  'spec.backup.objectStore): a cluster never bootstraps from the prefix it ships to';
const IMMUTABLE_MESSAGE = 'bootstrap is immutable: it can be set only when the AuroraCluster is created';

const BootstrapObjectStore = ObjectStoreSpec.extend({
  prefix: z
    .string()
    .max(512)
    .regex(/^[^/].*\/$/, { error: 'must end with / and not start with /, e.g. aurora/example/' })
    .describe(
      'Key prefix of the OLD cluster\'s backups, e.g. "aurora/example/"; required, because the default ' +
        'would be computed from this new cluster and name its own (empty) prefix.',
    ),
}).describe(
  "Where the backup is: the old cluster's store settings with its prefix. When they reach the store as this " +
    "cluster's spec.backup.objectStore does (same endpoint, bucket, region, forcePathStyle, credentials, caBundle), " +
    'the backup agents download through their own settings; otherwise the operator reads the credentials Secret ' +
    'and hands an agent a 15-minute link to the one object. encryption and retention are ignored here.',
);

export const BootstrapSpec = z
  .object({
    fromBackup: z
      .object({
        objectStore: BootstrapObjectStore,
        backupId: z
          .string()
          .regex(BACKUP_ID_OR_LATEST, {
            error: 'must be scheduler-backup-<yyyy>-<MM>-<dd>-<HH>-<mm> or latest',
          })
          .describe(
            'Backup object to start from, or latest: the newest complete object under the prefix. ' +
              'status.bootstrap.backupId records the one used.',
          ),
      })
      .describe(
        'Write this backup into the new replicated log instead of an empty one (the Offline restore path), ' +
          'once, when the cluster is first created; a cluster whose log already exists is never bootstrapped.',
      ),
  })
  .describe(
    'How the first replicated log of a new cluster is made (disaster recovery). Immutable: set only at creation.',
  );
export type BootstrapSpec = z.infer<typeof BootstrapSpec>;

export const BootstrapStatus = z
  .object({
    restore: z.string().optional().describe('The AuroraRestore (strategy Offline) that writes the backup.'),
    startedAt: z.string().meta({ format: 'date-time' }).optional().describe('When the bootstrap started.'),
    backupId: z.string().optional().describe('The backup written into the log (what latest resolved to).'),
    completedAt: z
      .string()
      .meta({ format: 'date-time' })
      .optional()
      .describe('When the bootstrap succeeded; from then on it never runs again.'),
    message: z.string().optional().describe('Why the bootstrap waits, failed or was refused.'),
  })
  .describe('Bootstrap from a backup (spec.bootstrap), written by the operator.');
export type BootstrapStatus = z.infer<typeof BootstrapStatus>;

/** The cluster's status schema plus status.bootstrap, which belongs to spec.bootstrap. */
export const ClusterStatusWithBootstrap = ClusterStatusFields.extend({
  bootstrap: BootstrapStatus.optional(),
}).describe(ClusterStatusFields.description ?? '');
export type ClusterStatusWithBootstrap = z.infer<typeof ClusterStatusWithBootstrap>;

type Store = z.infer<typeof ObjectStoreSpec>;
type BootstrapStore = z.infer<typeof BootstrapObjectStore>;

const S = 'self.bootstrap.fromBackup.objectStore';
const O = 'self.backup.objectStore';
const GUARD = `!has(self.bootstrap) || !has(${O}) || `;

// an optional field is equal when both lack it or both have the same value (CEL compares fields, not objects of two types)
const sameOptional = (field: string): string =>
  `(has(${S}.${field}) ? has(${O}.${field}) && ${S}.${field} == ${O}.${field} : !has(${O}.${field}))`;
// the source prefix is canonical (no leading, one trailing slash); the own one may lack either
const SAME_PREFIX =
  `(${O}.prefix == ${S}.prefix || ${O}.prefix + '/' == ${S}.prefix || ` +
  `${O}.prefix == '/' + ${S}.prefix || ${O}.prefix + '/' == '/' + ${S}.prefix)`;

/** BOOTSTRAP_RULES: CEL on the cluster spec, the same rules as bootstrapProblems. */
export const BOOTSTRAP_RULES = [
  {
    rule: `!has(self.bootstrap) || has(${O})`,
    message: NEEDS_STORE_MESSAGE,
    fieldPath: '.bootstrap',
  },
  {
    rule:
      GUARD +
      `!has(${O}.prefix) || !(${S}.bucket == ${O}.bucket && ${sameOptional('endpoint')} && ${SAME_PREFIX})`,
    message: OWN_PREFIX_MESSAGE,
    fieldPath: '.bootstrap.fromBackup.objectStore.prefix',
  },
  {
    rule: 'has(self.bootstrap) == has(oldSelf.bootstrap) && (!has(self.bootstrap) || self.bootstrap == oldSelf.bootstrap)',
    message: IMMUTABLE_MESSAGE,
  },
];

function normalized(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** sameConnection: the agents reach the source through their own store settings, only the prefix differs. */
export function sameConnection(s: BootstrapStore, o: Store): boolean {
  return (
    s.bucket === o.bucket &&
    s.region === o.region &&
    s.forcePathStyle === o.forcePathStyle &&
    s.endpoint === o.endpoint &&
    same(s.credentials, o.credentials) &&
    same(s.caBundle, o.caBundle)
  );
}

interface BootstrapSpecView {
  bootstrap?: BootstrapSpec | undefined;
  backup: { objectStore?: Store | undefined };
}

/**
 * bootstrapProblems: zod's side of BOOTSTRAP_RULES. With `where`, the own prefix defaults to
 * `<namespace>/<cluster>/`, which CEL cannot compute (a CRD rule sees no namespace).
 */
export function bootstrapProblems(
  spec: BootstrapSpecView,
  where?: { namespace: string; name: string },
): Array<{ path: string[]; message: string }> {
  const source = spec.bootstrap?.fromBackup.objectStore;
  if (!source) return [];
  const own = spec.backup.objectStore;
  if (!own) {
    return [
      {
        path: ['bootstrap'],
        message: NEEDS_STORE_MESSAGE,
      },
    ];
  }
  const path = ['bootstrap', 'fromBackup', 'objectStore'];
  const ownPrefix = own.prefix ?? (where ? defaultObjectStorePrefix(where.namespace, where.name) : undefined);
  const sameBucket = source.bucket === own.bucket && source.endpoint === own.endpoint;
  if (sameBucket && ownPrefix !== undefined && normalized(ownPrefix) === normalized(source.prefix))
    return [{ path: [...path, 'prefix'], message: OWN_PREFIX_MESSAGE }];
  return [];
}

/** bootstrapSourcePrefix: the prefix a restore downloads from, when it is its cluster's bootstrap restore. */
export function bootstrapSourcePrefix(
  cluster: { metadata: { name: string }; spec: { bootstrap?: BootstrapSpec | undefined } },
  restore: { metadata: { labels?: Record<string, string> | undefined } },
): string | undefined {
  if (restore.metadata.labels?.[BOOTSTRAP_OF_LABEL] !== cluster.metadata.name) return undefined;
  return cluster.spec.bootstrap?.fromBackup.objectStore.prefix;
}

/** refineBootstrap: the spec's zod check, where the own prefix is known only when the spec sets it. */
export function refineBootstrap(spec: BootstrapSpecView, ctx: z.RefinementCtx): void {
  for (const { path, message } of bootstrapProblems(spec)) ctx.addIssue({ code: 'custom', path, message });
}

/** refineBootstrapLocation: the whole object's check, which knows the namespace the own prefix defaults to. */
export function refineBootstrapLocation(
  cluster: { metadata: { name: string; namespace?: string | undefined }; spec: BootstrapSpecView },
  ctx: z.RefinementCtx,
): void {
  const where = { namespace: cluster.metadata.namespace ?? 'default', name: cluster.metadata.name };
  for (const { path, message } of bootstrapProblems(cluster.spec, where))
    ctx.addIssue({ code: 'custom', path: ['spec', ...path], message });
}
