// One shipping round of the backup agent: the complete local backups that the store lacks are decoded, then
// uploaded; an object that already exists was shipped by another replica. After a round without failures the
// agent beside the leading scheduler applies the retention policy. Every replica runs this; the store's
// conditional write makes sure each backup is stored once whichever replica ships it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import type { BackupDescription } from '../objectstore/backup-metadata.ts';
import type { Digest } from '../objectstore/hashing-stream.ts';
import { codeOf } from '../objectstore/object-store-errors.ts';
import { planRetention, type RetentionPolicy } from '../objectstore/plan-retention.ts';
import type { BackupFile, ShippingStatus } from './agent-api.ts';
import { listBackupFiles } from './agent-server.ts';
import { scanAndHashBackupFile, type BackupScan } from './backup-check.ts';
import { CompletenessTracker } from './backup-completeness.ts';
import { BACKUP_NAME_PATTERN } from './agent-names.ts';

export interface StoredObject {
  name: string;
  time: Date;
  size: number;
}

/** The store as the shipper sees it; backup-shipper-store.ts binds it to S3. */
export interface ShipperStore {
  list(): Promise<StoredObject[]>;
  upload(input: {
    file: string;
    name: string;
    description: BackupDescription;
    digest?: Digest;
    signal?: AbortSignal;
  }): Promise<{ size: number }>;
  remove(name: string): Promise<void>;
}

export interface BackupShipperOptions {
  backupDir: string;
  store: ShipperStore;
  retention?: RetentionPolicy | undefined;
  cluster: string;
  auroraVersion: string;
  /** whether the scheduler beside this agent leads; only the leader's agent deletes */
  isLeader: () => Promise<boolean>;
  /** how long a file's size and mtime must stay the same before it counts as complete */
  settleMs: number;
  log: Logger;
  scan?: (path: string) => Promise<BackupScan & { digest?: Digest }>;
  now?: () => Date;
}

export interface RoundResult {
  /** a store call failed: the caller backs off */
  failed: boolean;
  /** files that wait for a second look */
  settling: number;
}

interface RoundRecord {
  files: BackupFile[];
  stored: StoredObject[];
  /** local backups the retention policy would delete at once */
  skipped: Set<string>;
  failure: unknown;
  errorBefore: ShippingStatus['lastError'];
}

type Outcome = 'shipped' | 'exists' | 'unreadable' | 'changed' | { error: unknown };

const UNREADABLE_CODE = 'AGENT_BACKUP_UNREADABLE';

function fileKey(file: BackupFile): string {
  return `${file.size}@${file.mtime}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class BackupShipper {
  readonly #opts: BackupShipperOptions;
  readonly #tracker: CompletenessTracker;
  readonly #now: () => Date;
  /** unreadable files by name, with the size and mtime they had: a changed file is looked at again */
  readonly #unreadable = new Map<string, string>();
  #status: ShippingStatus = { pending: 0, objects: 0, bytes: 0, uploadFailures: 0, unreadable: [] };

  constructor(opts: BackupShipperOptions) {
    this.#opts = opts;
    this.#tracker = new CompletenessTracker(opts.settleMs);
    this.#now = opts.now ?? (() => new Date());
  }

  status(): ShippingStatus {
    return structuredClone(this.#status);
  }

  async round(signal?: AbortSignal): Promise<RoundResult> {
    const now = this.#now();
    const errorBefore = this.#status.lastError;
    const files = await listBackupFiles(this.#opts.backupDir);
    const { complete, settling } = this.#tracker.observe(files, now.getTime());
    for (const name of this.#unreadable.keys())
      if (!files.some((f) => f.name === name)) this.#unreadable.delete(name);
    let stored: StoredObject[];
    try {
      stored = await this.#opts.store.list();
    } catch (err) {
      this.#fail(err, now);
      return { failed: true, settling };
    }
    const storedNames = new Set(stored.map((s) => s.name));
    const missing = complete.filter(
      (f) => !storedNames.has(f.name) && this.#unreadable.get(f.name) !== fileKey(f),
    );
    const skipped = this.#doomedBeforeShipping(stored, missing, now);
    // newest first: in a disaster the newest backup is the one that matters
    const toShip = missing.filter((f) => !skipped.has(f.name)).sort((a, b) => (a.mtime < b.mtime ? 1 : -1));
    let failure: unknown;
    for (const file of toShip) {
      const outcome = await this.#shipOne(file, signal);
      if (outcome === 'shipped' || outcome === 'exists') {
        stored.push({ name: file.name, time: new Date(file.mtime), size: file.size });
      } else if (typeof outcome === 'object') {
        failure = outcome.error;
        break;
      }
    }
    if (failure === undefined) await this.#applyRetention(stored, now);
    this.#record(now, { files, stored, skipped, failure, errorBefore });
    return { failed: failure !== undefined, settling };
  }

  /** a backup the policy would delete at once is not shipped, or every round would ship it again */
  #doomedBeforeShipping(stored: StoredObject[], missing: BackupFile[], now: Date): Set<string> {
    const policy = this.#opts.retention;
    if (!policy) return new Set();
    const all = [
      ...stored.map((s) => ({ name: s.name, time: s.time })),
      ...missing.map((f) => ({ name: f.name, time: new Date(f.mtime) })),
    ];
    const doomed = new Set(planRetention(all, policy, now));
    return new Set(missing.filter((f) => doomed.has(f.name)).map((f) => f.name));
  }

  async #shipOne(file: BackupFile, signal: AbortSignal | undefined): Promise<Outcome> {
    const path = join(this.#opts.backupDir, file.name);
    // the decode's read also hashes the file, so the upload need not read it once more before it starts
    const scan = await (this.#opts.scan ?? scanAndHashBackupFile)(path);
    if ('problem' in scan) {
      const again = await stat(path).catch(() => undefined);
      if (again?.size !== file.size || again.mtime.toISOString() !== file.mtime) {
        this.#tracker.forget(file.name);
        return 'changed';
      }
      this.#unreadable.set(file.name, fileKey(file));
      this.#opts.log.warn(
        { backup: file.name, problem: scan.problem },
        'A backup file is unreadable: not shipped',
      );
      this.#status.lastError = {
        code: UNREADABLE_CODE,
        message: `${file.name}: ${scan.problem}`,
        at: this.#now().toISOString(),
      };
      return 'unreadable';
    }
    const description: BackupDescription = {
      snapshotTime: new Date(scan.snapshot.timestamp).toISOString(),
      taskCount: scan.snapshot.tasks,
      cluster: this.#opts.cluster,
      auroraVersion: this.#opts.auroraVersion,
    };
    try {
      const digest = 'digest' in scan && scan.digest ? { digest: scan.digest } : {};
      const input = { file: path, name: file.name, description, ...digest, ...(signal ? { signal } : {}) };
      this.#status.uploading = { name: file.name, size: file.size, since: this.#now().toISOString() };
      const uploaded = await this.#opts.store.upload(input).finally(() => delete this.#status.uploading);
      const at = this.#now().toISOString();
      this.#status.lastShipped = { name: file.name, at, size: uploaded.size, tasks: scan.snapshot.tasks };
      this.#opts.log.info({ backup: file.name, size: uploaded.size }, 'Shipped a backup to the object store');
      return 'shipped';
    } catch (err) {
      if (signal?.aborted) throw err;
      const code = codeOf(err);
      if (code === 'OBJECT_ALREADY_EXISTS') {
        this.#opts.log.info(
          { backup: file.name },
          'Backup already in the object store (another replica shipped it)',
        );
        return 'exists';
      }
      if (code === 'OBJECT_SOURCE_CHANGED') {
        this.#tracker.forget(file.name);
        return 'changed';
      }
      this.#status.uploadFailures++;
      return { error: err };
    }
  }

  async #applyRetention(stored: StoredObject[], now: Date): Promise<void> {
    const policy = this.#opts.retention;
    if (!policy) return;
    const doomed = planRetention(stored, policy, now);
    if (doomed.length === 0 || !(await this.#opts.isLeader().catch(() => false))) return;
    for (const name of doomed) {
      try {
        await this.#opts.store.remove(name);
      } catch (err) {
        this.#fail(err, now);
        return;
      }
      stored.splice(
        stored.findIndex((s) => s.name === name),
        1,
      );
      this.#opts.log.info({ backup: name }, 'Deleted a backup from the object store (retention)');
    }
  }

  #fail(err: unknown, now: Date): void {
    const code = codeOf(err);
    this.#status.lastError = { code, message: errorMessage(err), at: now.toISOString() };
    this.#opts.log.warn({ code, err: errorMessage(err) }, 'Shipping backups failed');
  }

  #record(now: Date, round: RoundRecord): void {
    const { files, stored, skipped, failure, errorBefore } = round;
    if (failure !== undefined) this.#fail(failure, now);
    // a clean round clears an older failure; one reported in this very round (an unreadable file) stays
    else if (this.#status.lastError === errorBefore) delete this.#status.lastError;
    const storedNames = new Set(stored.map((s) => s.name));
    this.#status.pending = files.filter(
      (f) =>
        !storedNames.has(f.name) &&
        !skipped.has(f.name) &&
        !this.#unreadable.has(f.name) &&
        BACKUP_NAME_PATTERN.test(f.name),
    ).length;
    this.#status.objects = stored.length;
    this.#status.bytes = stored.reduce((sum, s) => sum + s.size, 0);
    this.#status.unreadable = [...this.#unreadable.keys()].sort();
    this.#status.lastRoundAt = now.toISOString();
  }
}
