// Compares the tasks a rehearsal scheduler read back from its recovered log with the decoded backup: the same
// task ids, each under the same job key, and the same count. Pure.
import type { TaskSummary } from '../aurora/backup-summary.ts';

/** What the rehearsal read back through the Thrift API, one row per task. */
export interface RestoredTask {
  id: string;
  job: string;
}

export interface TaskComparison {
  matches: boolean;
  /** in the backup, not read back */
  missing: string[];
  /** read back, not in the backup */
  extra: string[];
  /** read back under another job key than the backup's */
  moved: string[];
  message: string;
}

const FIRST = 5;

function firstOf(ids: readonly string[]): string {
  const shown = ids.slice(0, FIRST).join(', ');
  return ids.length > FIRST ? `${shown} and ${ids.length - FIRST} more` : shown;
}

export function compareTasks(
  backup: readonly TaskSummary[],
  restored: readonly RestoredTask[],
): TaskComparison {
  const expected = new Map(backup.map((t) => [t.id, t.job]));
  const seen = new Map(restored.map((t) => [t.id, t.job]));
  const missing = [...expected.keys()].filter((id) => !seen.has(id)).sort();
  const extra = [...seen.keys()].filter((id) => !expected.has(id)).sort();
  const moved = [...expected]
    .filter(([id, job]) => seen.has(id) && seen.get(id) !== job)
    .map(([id]) => id)
    .sort();
  const counted = backup.length === restored.length;
  const matches = missing.length === 0 && extra.length === 0 && moved.length === 0 && counted;
  const parts = [
    missing.length ? `${missing.length} missing (${firstOf(missing)})` : '',
    extra.length ? `${extra.length} not in the backup (${firstOf(extra)})` : '',
    moved.length ? `${moved.length} under another job key (${firstOf(moved)})` : '',
    counted ? '' : `${restored.length} read back for ${backup.length} in the backup`,
  ].filter(Boolean);
  const message = matches
    ? `${backup.length} tasks read back, the same ids and job keys as the backup`
    : `tasks differ from the backup: ${parts.join('; ')}`;
  return { matches, missing, extra, moved, message };
}
