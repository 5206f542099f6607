// Stable error codes: one catalogue of every code the operator raises, what it means and whether it is retried.
// docs/errors.md is rendered from this table (`npm run docs:errors`); test/unit/api/errors.test.ts fails on drift.

export interface ErrorCodeInfo {
  /** one line for operators reading a log or an event */
  readonly meaning: string;
  /** true: the controller retries with backoff; false: the reconcile stops until the object changes */
  readonly retries: boolean;
}

/** Reasons a reconcile stops for good (TerminalError); the code is also the logged reason. */
const TERMINAL_CODES = {
  InvalidSpec: {
    meaning: 'The AuroraCluster spec fails validation; the cluster is Degraded until the spec is fixed.',
    retries: false,
  },
  ClusterNotFound: {
    meaning: 'The AuroraRestore names an AuroraCluster that does not exist in its namespace.',
    retries: false,
  },
  ZooKeeperPathConflict: {
    meaning:
      'The AuroraRestore targets an AuroraCluster whose ZooKeeper paths another cluster owns (Degraded ZooKeeperPathConflict); nothing was touched.',
    retries: false,
  },
  ClusterScaling: {
    meaning:
      'The AuroraRestore targets an AuroraCluster whose replica count is being changed (status.scaling); nothing was touched.',
    retries: false,
  },
  BackupNotFound: {
    meaning: 'No replica holds the requested backup and every replica answered; the cluster was not touched.',
    retries: false,
  },
  NoObjectStore: {
    meaning:
      'The AuroraRestore has spec.source.objectStore but its AuroraCluster has no spec.backup.objectStore; nothing was touched.',
    retries: false,
  },
  BackupNotInStore: {
    meaning:
      'The object store holds no complete backup object of the requested name (or none at all for latest); the cluster was not touched.',
    retries: false,
  },
  ObjectStoreForbidden: {
    meaning:
      'The object store refused the backup agent (403 or wrong credentials, no such bucket, untrusted TLS certificate); fix spec.backup.objectStore or its Secret, then restore again. The cluster was not touched.',
    retries: false,
  },
  BackupNameConflict: {
    meaning:
      "A replica's backups volume already holds a different file under the name of the backup to download from the object store; the file was left as it is and the cluster was not touched.",
    retries: false,
  },
  BackupVolumeFull: {
    meaning:
      'The backups volume of the replica that must hold the backup is full; the restore rolls back before the commit, nothing is lost. Free space there or grow spec.backup.storage.size, then restore again.',
    retries: false,
  },
  BackupUnreadable: {
    meaning:
      'The backup agent beside the backup file could not decode it as a Thrift Snapshot (truncated, corrupt or not an Aurora backup); checked before any log is moved aside, so the cluster was not touched.',
    retries: false,
  },
  BackupTooOld: {
    meaning:
      "The backup's snapshot timestamp is older than the AuroraRestore's spec.maxBackupAge (default 6hrs), or its age could not be decoded; every task started or rescheduled since would be killed. Set spec.acceptBackupAge: true or a larger maxBackupAge to restore it anyway; the cluster was not touched.",
    retries: false,
  },
  AuroraRpcFailed: {
    meaning: 'An admin call of a restore step got a non-transient error from the scheduler.',
    retries: false,
  },
  StagedMismatch: {
    meaning: 'The snapshot staged on the leader differs from the one the restore previewed.',
    retries: false,
  },
  CommitNotVerified: {
    meaning:
      'commitRecovery reached a leader holding the staged snapshot the maximum number of times (3) and the log ' +
      'never held it; refusals (ERROR_TRANSIENT, connection refused) and unanswered attempts whose leader still ' +
      'held the snapshot afterwards are not counted.',
    retries: false,
  },
  RecoveryToolFailed: {
    meaning: 'The recovery-tool run of an Offline restore keeps failing in the log-init container.',
    retries: false,
  },
  LogInitFailed: {
    meaning:
      'The replicated-log initialization of an Offline restore keeps failing in the log-init container.',
    retries: false,
  },
} as const satisfies Record<string, ErrorCodeInfo & { retries: false }>;

/** Failures of the scheduler's admin API (src/aurora/admin-errors.ts); Response codes map one to one. */
const AURORA_CODES = {
  AURORA_INVALID_REQUEST: { meaning: 'The scheduler answered INVALID_REQUEST.', retries: true },
  AURORA_ERROR: {
    meaning: 'The scheduler answered ERROR (also any response code newer than Aurora 0.22).',
    retries: true,
  },
  AURORA_WARNING: { meaning: 'The scheduler answered WARNING.', retries: true },
  AURORA_AUTH_FAILED: { meaning: 'The scheduler answered AUTH_FAILED.', retries: true },
  AURORA_JOB_UPDATING_ERROR: { meaning: 'The scheduler answered JOB_UPDATING_ERROR.', retries: true },
  AURORA_ERROR_TRANSIENT: {
    meaning: 'The scheduler answered ERROR_TRANSIENT (e.g. storage not READY); always retried.',
    retries: true,
  },
  AURORA_UNREACHABLE: {
    meaning: 'The admin call got no HTTP answer: timeout or socket error.',
    retries: true,
  },
  AURORA_HTTP_STATUS: {
    meaning: 'The admin call got a non-200 HTTP status (307 from a non-leader, 503 without a leader).',
    retries: true,
  },
  AURORA_BAD_REPLY: {
    meaning: 'The admin call got a 200 whose body is not a Thrift Response.',
    retries: true,
  },
  AURORA_APPLICATION_EXCEPTION: {
    meaning: 'The scheduler raised a Thrift TApplicationException (unknown method, internal error).',
    retries: true,
  },
} as const satisfies Record<string, ErrorCodeInfo & { retries: true }>;

/** Failures between the operator and the backup agents (src/agent/). */
const AGENT_CODES = {
  AGENT_HTTP_STATUS: {
    meaning: 'A backup agent answered a list, download or upload with an error status.',
    retries: true,
  },
  AGENT_TOKEN_MISSING: { meaning: "The cluster's backup-agent Secret has no token key.", retries: true },
  AGENT_UPLOAD_INCOMPLETE: {
    meaning: 'An upload to a backup agent did not match its Content-Length; the agent discarded the file.',
    retries: true,
  },
  AGENT_VOLUME_FULL: {
    meaning:
      "A backup agent answered 507: the replica's backups volume has no space left for the file; the agent kept no partial file.",
    retries: true,
  },
  AGENT_UNTRUSTED_TARGET: {
    meaning:
      "The operator refused to send the agent token to an address that is not the IP of a pod the cluster's StatefulSet owns.",
    retries: true,
  },
  AGENT_BACKUP_NOT_FOUND: {
    meaning: 'A backup agent has no backup file of the requested name on its replica (HTTP 404).',
    retries: true,
  },
  AGENT_BACKUP_UNREADABLE: {
    meaning:
      'A backup agent could not decode the backup file as a Thrift Snapshot (HTTP 422 with the problem); retrying reads the same bytes.',
    retries: false,
  },
  AGENT_STORE_NOT_CONFIGURED: {
    meaning: 'A backup agent was asked to fetch a backup from the object store but has no store settings.',
    retries: false,
  },
  AGENT_STORE_UNREACHABLE: {
    meaning:
      'A backup agent got no answer from the object store (connection refused or reset, timeout, 5xx, throttling) while fetching a backup; retried.',
    retries: true,
  },
  AGENT_STORE_FORBIDDEN: {
    meaning:
      'The object store refused a backup fetch: wrong credentials or no permission (403), no such bucket, or an untrusted TLS certificate.',
    retries: false,
  },
  AGENT_STORE_NOT_FOUND: {
    meaning: 'The object store holds no complete backup object of the requested name.',
    retries: false,
  },
  AGENT_STORE_BACKUP_UNREADABLE: {
    meaning:
      'The downloaded bytes do not match the SHA-256 in the object metadata, or the object has no such metadata; the agent kept no file.',
    retries: false,
  },
  AGENT_FETCH_CONFLICT: {
    meaning:
      "The replica's backups volume already holds a different file (size or SHA-256) under the name being fetched; it was left unchanged.",
    retries: false,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Failures of the object store (src/objectstore/): the cause, then what to change; transient ones are retried. */
export const OBJECT_STORE_CODES = {
  OBJECT_STORE_FORBIDDEN: {
    meaning:
      'The store refused the credentials (403/401: wrong access key or secret, or the key may not use the bucket). Fix the Secret named in spec.backup.objectStore.credentials, or the bucket policy / IAM role of the pod identity.',
    retries: false,
  },
  OBJECT_STORE_NO_SUCH_BUCKET: {
    meaning:
      'The configured bucket does not exist at the endpoint (the operator never creates buckets). Create it or correct spec.backup.objectStore.bucket, endpoint and region.',
    retries: false,
  },
  OBJECT_NOT_FOUND: {
    meaning:
      'No complete backup object under that name (an unfinished multipart upload is not a backup). List the shipped backups in status.backups or the bucket and name one of them, or use latest.',
    retries: false,
  },
  OBJECT_ALREADY_EXISTS: {
    meaning:
      'An object already exists under that backup name (another replica shipped it first, the conditional write lost); it was left unchanged. Nothing to do: the backup is shipped once.',
    retries: false,
  },
  OBJECT_STORE_UNREACHABLE: {
    meaning:
      'No answer from the store (connection refused or reset, timeout, DNS) or a 5xx/throttling answer; retried with backoff. If it lasts, check the endpoint address, the network path and the store itself.',
    retries: true,
  },
  OBJECT_STORE_TLS: {
    meaning:
      "The store's TLS certificate is not trusted, does not match its name, or the endpoint does not speak TLS. Put the issuing CA into spec.backup.objectStore.caBundle, or correct the endpoint's scheme and host.",
    retries: false,
  },
  OBJECT_STORE_FULL: {
    meaning:
      'The store refused the upload for lack of space or quota. Raise the quota or free space (a shorter retention helps); shipping resumes on its own once the store accepts writes.',
    retries: false,
  },
  OBJECT_TARGET_FULL: {
    meaning:
      'The local volume a backup was being downloaded to is full; the partial file was removed. Free space on the backups volume or grow spec.backup.storage.size, then retry.',
    retries: false,
  },
  OBJECT_SHA256_MISMATCH: {
    meaning:
      'The downloaded bytes do not match the SHA-256 in the object metadata (the object was changed or corrupted in the bucket); nothing was kept. Restore another backup; check the store for bit rot or writers other than the operator.',
    retries: false,
  },
  OBJECT_METADATA_MISSING: {
    meaning:
      'The object has no sha256 metadata, so the operator did not write it and does not trust it. Restore a backup the operator shipped, or re-upload this file through a cluster that ships to the store.',
    retries: false,
  },
  OBJECT_SOURCE_CHANGED: {
    meaning:
      "The bytes sent differ from the backup file's SHA-256, by the agent's own check or the store's (BadDigest): the file changed while it was being uploaded, or bytes were damaged on the way. Nothing was stored; the upload is retried. Nothing to do unless it repeats: then something other than the scheduler writes the backups volume, or the network to the store corrupts data.",
    retries: true,
  },
  OBJECT_STORE_ERROR: {
    meaning:
      "Any other answer of the store; retried with backoff. The message holds the store's own error code: look it up in the store's documentation.",
    retries: true,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type TerminalCode = keyof typeof TERMINAL_CODES;
export type AuroraErrorCode = keyof typeof AURORA_CODES;
export type AgentErrorCode = keyof typeof AGENT_CODES;
export type ObjectStoreCode = keyof typeof OBJECT_STORE_CODES;
export type ErrorCode = TerminalCode | AuroraErrorCode | AgentErrorCode | ObjectStoreCode;

export interface ErrorCodeGroup {
  readonly title: string;
  /** the error classes that carry these codes */
  readonly raisedAs: readonly string[];
  readonly codes: Readonly<Record<string, ErrorCodeInfo>>;
}

/** The catalogue in the order docs/errors.md lists it. */
export const ERROR_CODE_GROUPS: readonly ErrorCodeGroup[] = [
  { title: 'Terminal reconcile reasons', raisedAs: ['TerminalError'], codes: TERMINAL_CODES },
  {
    title: 'Aurora admin API',
    raisedAs: ['AuroraRpcError', 'AuroraHttpError', 'AuroraApplicationError'],
    codes: AURORA_CODES,
  },
  { title: 'Backup agents', raisedAs: ['AgentError'], codes: AGENT_CODES },
  { title: 'Object store', raisedAs: ['ObjectStoreError'], codes: OBJECT_STORE_CODES },
];

export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorCodeInfo>> = {
  ...TERMINAL_CODES,
  ...AURORA_CODES,
  ...AGENT_CODES,
  ...OBJECT_STORE_CODES,
};

/** OperatorError is the base of every error with a stable code; a terminal one is never retried. */
export class OperatorError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly terminal: boolean;

  constructor(code: C, message: string) {
    super(message);
    this.name = 'OperatorError';
    this.code = code;
    this.terminal = !ERROR_CATALOGUE[code].retries;
  }
}
