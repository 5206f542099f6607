// Fault switches for tests: AURORA_SIM_FAULTS (JSON) at start, GET/POST /sim/faults at run time.
import { z } from 'zod';

export const FaultsSchema = z
  .object({
    /** Exit immediately with this code. */
    crash: z.number().int().min(0).max(255).optional(),
    /** HTTP requests are accepted but never answered. */
    hang: z.boolean().optional(),
    /** Every HTTP response is delayed by this many milliseconds. */
    slowMs: z.number().int().min(0).optional(),
    /** Newly assigned tasks go ASSIGNED -> FAILED without STARTING/RUNNING. */
    executorCrash: z.boolean().optional(),
    /** Backups fail (scheduler_backup_failed rises, no file is written). */
    backupFail: z.boolean().optional(),
    /** Every log append waits this long before any replica stores it (counts toward -native_log_write_timeout). */
    logAppendDelayMs: z.number().int().min(0).optional(),
    /** The storage RPCs answer ERROR_TRANSIENT "Storage is not READY", as while the log writer is being elected. */
    storageNotReady: z.boolean().optional(),
  })
  .strict();

export type Faults = z.infer<typeof FaultsSchema>;

export function parseFaults(text: string | undefined): Faults {
  if (text === undefined || text.trim() === '') return {};
  return FaultsSchema.parse(JSON.parse(text));
}

/** Later switches override earlier ones; false/0 values switch a fault off. */
export function mergeFaults(current: Faults, update: Faults): Faults {
  const merged: Faults = { ...current, ...update };
  if (merged.hang === false) delete merged.hang;
  if (merged.slowMs === 0) delete merged.slowMs;
  if (merged.executorCrash === false) delete merged.executorCrash;
  if (merged.backupFail === false) delete merged.backupFail;
  if (merged.logAppendDelayMs === 0) delete merged.logAppendDelayMs;
  if (merged.storageNotReady === false) delete merged.storageNotReady;
  return merged;
}
