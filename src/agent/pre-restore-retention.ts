// Expiry of the replicated logs restores moved aside: only after the operator marked the restore succeeded.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRE_RESTORE_LOG_PREFIX, succeededMarkerName } from '../api/contracts.ts';
import type { Logger } from '../log.ts';
import { isRestoreId } from './agent-names.ts';

export const PRUNE_INTERVAL_MS = 60_000;

export interface PruneOptions {
  operatorDir: string;
  retentionMs: number;
  now(): Date;
}

async function succeededAt(operatorDir: string, restoreId: string): Promise<Date | undefined> {
  const st = await lstat(join(operatorDir, succeededMarkerName(restoreId))).catch(() => undefined);
  return st?.isFile() ? st.mtime : undefined;
}

/**
 * prunePreRestoreLogs removes `pre-restore-<id>/` once `<id>.succeeded` is older than the retention; without that
 * marker the log stays, since a restore in progress, cancelled or failed after commit may still need it.
 */
export async function prunePreRestoreLogs(opts: PruneOptions): Promise<string[]> {
  const names = await readdir(opts.operatorDir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    throw err;
  });
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith(PRE_RESTORE_LOG_PREFIX)).sort()) {
    const restoreId = name.slice(PRE_RESTORE_LOG_PREFIX.length);
    if (!isRestoreId(restoreId)) continue;
    const since = await succeededAt(opts.operatorDir, restoreId);
    if (!since || opts.now().getTime() - since.getTime() < opts.retentionMs) continue;
    await rm(join(opts.operatorDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** startPreRestoreLogPruning prunes at once and then every interval; a failed pass is logged and retried. */
export function startPreRestoreLogPruning(
  opts: PruneOptions & { log: Logger; intervalMs?: number },
): () => void {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const name of await prunePreRestoreLogs(opts)) {
        opts.log.info({ dir: join(opts.operatorDir, name) }, 'Removed an expired pre-restore log');
      }
    } catch (err) {
      opts.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'Pruning pre-restore logs failed',
      );
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), opts.intervalMs ?? PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
