// When the memory reclaim must wait: a full collection pauses the whole process for 100–300 ms, which must not fall
// while a restore has the cluster's schedulers stopped or partially disabled, nor during a scaling step.
import { AuroraRestore } from '../api/aurora-restore.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import { choosePlan, finishedSteps } from '../restore/plan.ts';
import { tableFor } from '../restore/tables.ts';
import type { RestoreStep } from '../restore/step.ts';

export interface ReclaimBlock {
  kind: 'restore' | 'scaling';
  namespace: string;
  name: string;
  /** the restore step that runs next, or the cluster's scaling step */
  step: string;
}

interface Window {
  from: string;
  to: string;
}

// each window starts at the step that stops (or first touches) the schedulers and ends with the step that puts the
// normal configuration back; both ends included
const STAGED_WINDOW: Window = { from: 'StopSchedulers', to: 'RestoreConfiguration' };
const OFFLINE_WINDOW: Window = { from: 'StopSchedulers', to: 'RemoveRestoreConfig' };
const CANCEL_WINDOW: Window = { from: 'CancelUnloadRecovery', to: 'CancelRemoveRestoreConfig' };
const RELEASE_WINDOW: Window = { from: 'ReleaseRestoreConfiguration', to: 'ReleaseRestoreConfiguration' };

/** reclaimWindowOf names the window of the step table a restore follows now; undefined when it runs no steps. */
function reclaimWindowOf(
  restore: AuroraRestore,
): { steps: readonly RestoreStep[]; window: Window } | undefined {
  const plan = choosePlan(restore);
  const table = tableFor(plan);
  if (!table) return undefined;
  if (plan.mode === 'cancel' || plan.mode === 'rollback')
    return { steps: table.steps, window: CANCEL_WINDOW };
  if (plan.mode === 'release') return { steps: table.steps, window: RELEASE_WINDOW };
  const window = restore.spec.strategy === 'Offline' ? OFFLINE_WINDOW : STAGED_WINDOW;
  return { steps: table.steps, window };
}

/**
 * restoreWindowStep returns the step a restore runs next when that step lies in its window. The next step, not the
 * last one started, so a restore about to stop the schedulers already counts (the cache may lag the controller).
 */
export function restoreWindowStep(restore: AuroraRestore): string | undefined {
  const found = reclaimWindowOf(restore);
  if (!found) return undefined;
  const names = found.steps.map((s) => s.name);
  const finished = finishedSteps(restore);
  const next = names.findIndex((name) => !finished.has(name));
  if (next < 0) return undefined;
  // a boundary missing from the table (a renamed step) widens the window to the whole table rather than lose it
  const from = Math.max(0, names.indexOf(found.window.from));
  const to = names.indexOf(found.window.to);
  const last = to < 0 ? names.length - 1 : to;
  return next >= from && next <= last ? names[next] : undefined;
}

function parseRestore(obj: unknown): AuroraRestore | undefined {
  // list items may lack apiVersion and kind; the rest is what the restore controller itself accepts
  const parsed = AuroraRestore.safeParse({
    ...(obj as object),
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
  });
  return parsed.success ? parsed.data : undefined;
}

interface CachedObject {
  metadata?: { name?: string; namespace?: string };
  status?: { scaling?: { step?: string } | null };
}

/** planReclaimBlock finds, in the informers' caches, a restore or a scaling step the reclaim must not pause. */
export function planReclaimBlock(
  restores: readonly unknown[],
  clusters: readonly unknown[],
): ReclaimBlock | undefined {
  for (const obj of restores) {
    const restore = parseRestore(obj);
    const step = restore && restoreWindowStep(restore);
    if (restore && step) {
      const { name, namespace = 'default' } = restore.metadata;
      return { kind: 'restore', namespace, name, step };
    }
  }
  for (const obj of clusters) {
    const cluster = obj as CachedObject;
    const scaling = cluster.status?.scaling;
    if (scaling) {
      const { name = '', namespace = 'default' } = cluster.metadata ?? {};
      return { kind: 'scaling', namespace, name, step: scaling.step ?? 'unknown' };
    }
  }
  return undefined;
}
