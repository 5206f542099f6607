// Which stored backups the retention policy deletes: those beyond `keepLast` newest or older than `maxAge`, but
// never the newest backup and never the newest verified one, whatever the policy says.

export interface RetainedBackup {
  name: string;
  time: Date;
  /** a restore rehearsal decoded it successfully */
  verified?: boolean;
}

export interface RetentionPolicy {
  keepLast?: number;
  maxAgeMs?: number;
}

/** planRetention returns the names to delete, oldest first; no policy deletes nothing. */
export function planRetention(
  backups: readonly RetainedBackup[],
  policy: RetentionPolicy,
  now: Date,
): string[] {
  // newest first; equal times fall back to the name, which sorts by time too
  const sorted = [...backups].sort(
    (a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0),
  );
  const protectedNames = new Set<string>();
  const newest = sorted[0];
  if (newest) protectedNames.add(newest.name);
  const newestVerified = sorted.find((b) => b.verified === true);
  if (newestVerified) protectedNames.add(newestVerified.name);
  const doomed = sorted.filter((backup, index) => {
    if (protectedNames.has(backup.name)) return false;
    const beyondCount = policy.keepLast !== undefined && index >= policy.keepLast;
    const tooOld = policy.maxAgeMs !== undefined && now.getTime() - backup.time.getTime() > policy.maxAgeMs;
    return beyondCount || tooOld;
  });
  return doomed.map((b) => b.name).reverse();
}
