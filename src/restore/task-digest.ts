// A digest of a task set, so a commit is verified by comparing what the log holds with what was staged.
import { createHash } from 'node:crypto';

export function digestTaskIds(taskIds: readonly string[]): string {
  const sorted = [...new Set(taskIds)].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex');
}
