// Which local backup files are complete. Aurora's StorageBackup writes `temp_<name>` and renames it to `<name>`
// inside the try-with-resources of its buffered stream, so the rename happens before the stream is closed and its
// last buffered bytes can land in the file after it has its final name: a file counts as complete only once two
// looks at least settleMs apart saw the same size and modification time.
import type { BackupFile } from './agent-api.ts';
import { BACKUP_NAME_PATTERN } from './agent-names.ts';

interface Look {
  size: number;
  mtime: string;
  at: number;
}

export interface Completeness {
  complete: BackupFile[];
  /** files seen but not yet confirmed by a second look; the caller looks again after settleMs */
  settling: number;
}

export class CompletenessTracker {
  readonly #settleMs: number;
  readonly #looks = new Map<string, Look>();

  constructor(settleMs: number) {
    this.#settleMs = settleMs;
  }

  /** observe takes one listing of the backup directory; temp_ files and other names never count. */
  observe(files: readonly BackupFile[], now: number): Completeness {
    const complete: BackupFile[] = [];
    let settling = 0;
    const present = new Set<string>();
    for (const file of files) {
      if (!BACKUP_NAME_PATTERN.test(file.name)) continue;
      present.add(file.name);
      const last = this.#looks.get(file.name);
      const same = last !== undefined && last.size === file.size && last.mtime === file.mtime;
      if (same && now - last.at >= this.#settleMs) complete.push(file);
      else {
        settling++;
        if (!same) this.#looks.set(file.name, { size: file.size, mtime: file.mtime, at: now });
      }
    }
    for (const name of this.#looks.keys()) if (!present.has(name)) this.#looks.delete(name);
    return { complete, settling };
  }

  /** forget makes a file wait for two new looks, e.g. when it changed while it was being read */
  forget(name: string): void {
    this.#looks.delete(name);
  }
}
