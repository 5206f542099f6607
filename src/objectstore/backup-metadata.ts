// The user metadata (x-amz-meta-*) each backup object carries: written once at upload, read back by list and
// download; S3 lowercases metadata keys, so they are all lowercase here.

export interface BackupDescription {
  /** when Aurora took the snapshot (ISO 8601) */
  snapshotTime: string;
  taskCount: number;
  cluster: string;
  auroraVersion: string;
}

export interface BackupMetadata extends BackupDescription {
  /** lowercase hex SHA-256 of the object's bytes */
  sha256: string;
  size: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function buildBackupMetadata(meta: BackupMetadata): Record<string, string> {
  return {
    sha256: meta.sha256,
    size: String(meta.size),
    'snapshot-time': meta.snapshotTime,
    'task-count': String(meta.taskCount),
    cluster: meta.cluster,
    'aurora-version': meta.auroraVersion,
  };
}

/** parseBackupMetadata is undefined for an object without a well-formed sha256: it was not written by the operator. */
export function parseBackupMetadata(raw: Record<string, string> | undefined): BackupMetadata | undefined {
  const sha256 = raw?.['sha256'];
  if (raw === undefined || sha256 === undefined || !SHA256_HEX.test(sha256)) return undefined;
  return {
    sha256,
    size: Number(raw['size'] ?? NaN),
    snapshotTime: raw['snapshot-time'] ?? '',
    taskCount: Number(raw['task-count'] ?? NaN),
    cluster: raw['cluster'] ?? '',
    auroraVersion: raw['aurora-version'] ?? '',
  };
}
