// spec.backup.objectStore: where the backup agents ship every backup (docs/backups.md), validated by zod and CEL alike.
import { z } from 'zod';
import { Duration } from './duration.ts';

const KMS_MESSAGE = 'kmsKeyId is only allowed with type aws:kms';
const CA_SOURCE_MESSAGE = 'caBundle needs exactly one of secretName or configMapName';
const RETENTION_MESSAGE = 'retention needs keepLast or maxAge (or leave retention out)';

// a Kubernetes object name (DNS subdomain), the shape of a Secret or ConfigMap name
const ObjectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name (DNS subdomain)' });

// a key of a Secret's or ConfigMap's data
const DataKey = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a Secret or ConfigMap data key ([-._a-zA-Z0-9]+)' });

export const StoreCredentials = z
  .object({
    secretName: ObjectName.describe('Secret in the cluster namespace that holds the access key pair.'),
    accessKeyIdKey: DataKey.default('AWS_ACCESS_KEY_ID').describe('Key of the access key id in the Secret.'),
    secretAccessKeyKey: DataKey.default('AWS_SECRET_ACCESS_KEY').describe(
      'Key of the secret access key in the Secret.',
    ),
  })
  .describe(
    "Static access keys from a Secret; absent: the SDK's default chain (IRSA, web identity, instance role).",
  );

export const StoreCaBundle = z
  .object({
    secretName: ObjectName.optional().describe('Secret that holds the PEM bundle.'),
    configMapName: ObjectName.optional().describe('ConfigMap that holds the PEM bundle.'),
    key: DataKey.describe('Key of the PEM bundle in the Secret or ConfigMap.'),
  })
  .refine((ca) => (ca.secretName === undefined) !== (ca.configMapName === undefined), {
    error: CA_SOURCE_MESSAGE,
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.secretName) != has(self.configMapName)', message: CA_SOURCE_MESSAGE },
    ],
  })
  .describe("PEM bundle of the CA that signs the endpoint's certificate, for a store with a private CA.");

const Encryption = z
  .object({
    type: z
      .enum(['AES256', 'aws:kms'])
      .describe('Server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS).'),
    kmsKeyId: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe("KMS key id or ARN for aws:kms; absent: the bucket's default key."),
  })
  .refine((sse) => sse.kmsKeyId === undefined || sse.type === 'aws:kms', {
    error: KMS_MESSAGE,
    path: ['kmsKeyId'],
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "!has(self.kmsKeyId) || self.type == 'aws:kms'", message: KMS_MESSAGE, fieldPath: '.kmsKeyId' },
    ],
  })
  .describe('Server-side encryption of every uploaded backup object.');

const Retention = z
  .object({
    keepLast: z
      .int()
      .min(1)
      .max(100000)
      .optional()
      .describe('Keep at most this many newest backups in the store.'),
    maxAge: Duration.optional().describe('Delete backups older than this Aurora duration, e.g. 30days.'),
  })
  .refine((r) => r.keepLast !== undefined || r.maxAge !== undefined, { error: RETENTION_MESSAGE })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.keepLast) || has(self.maxAge)', message: RETENTION_MESSAGE },
    ],
  })
  .describe(
    'Which stored backups are deleted; the newest backup (and the newest verified one) is never deleted. Absent: none.',
  );

export const ObjectStoreSpec = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .optional()
      .describe(
        'S3-compatible endpoint URL, e.g. https://s3.example.internal:9000; absent: AWS S3 for the region.',
      ),
    bucket: z
      .string()
      .min(3, { error: 'bucket names are 3 to 63 characters' })
      .max(63, { error: 'bucket names are 3 to 63 characters' })
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, {
        error: 'must be an S3 bucket name: lowercase letters, digits, dots and hyphens',
      })
      .describe('Bucket the backups are shipped to; it must exist.'),
    prefix: z
      .string()
      .max(512)
      .optional()
      .describe('Key prefix of this cluster\'s backups; absent: "<namespace>/<cluster>/".'),
    region: z.string().min(1).max(64).default('us-east-1').describe('Region of the bucket (signing region).'),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe(
        'Address the bucket as <endpoint>/<bucket> instead of <bucket>.<endpoint> (most S3-compatible stores).',
      ),
    credentials: StoreCredentials.optional(),
    caBundle: StoreCaBundle.optional(),
    encryption: Encryption.optional(),
    retention: Retention.optional(),
  })
  .describe(
    'Object store every backup is shipped to by the backup agents, so backups outlive the cluster (docs/backups.md).',
  );
export type ObjectStoreSpec = z.infer<typeof ObjectStoreSpec>;
