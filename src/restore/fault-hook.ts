// Test-only fault hook: stop or pause the operator at a named window of a step, so tests reach every window.
// Only the test world's entry point (test/world/operator-test-main.ts) builds one; `aurora-operator run` cannot.
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';

/** Legacy opt-in: 'true' means exit once after every step's action (the `after` window). */
export const CRASH_TEST_ANNOTATION = 'aurora-operator.io/test-exit-after-step-action';
/** Windows to exit at, once per step: before (the action), write (after each of its writes), intent, after. */
export const FAULT_WINDOWS_ANNOTATION = 'aurora-operator.io/test-exit-at';
/** Points already hit (`Step` for `after`, `Step@window` otherwise), so a resumed operator moves on. */
export const CRASHED_STEPS_ANNOTATION = 'aurora-operator.io/test-crashed-steps';
/** `Step@window`: the operator waits at this point for as long as the annotation names it. */
export const PAUSE_ANNOTATION = 'aurora-operator.io/test-pause-at';

/** Resolves true when it paused: what the pass observed may be stale by then. */
export type FaultHook = (restore: AuroraRestore, step: string, window: string) => Promise<boolean>;

/** Builds the hook from what the restore controller holds; production passes no factory, so no hook exists. */
export type FaultHookFactory = (base: Pick<FaultHookOptions, 'kube' | 'log' | 'reload'>) => FaultHook;

export interface FaultHookOptions {
  kube: KubeClient;
  log: Logger;
  /** how the process dies; the default also deletes the operator's own pod so no crash-loop backoff builds up */
  die: () => Promise<never>;
  /** re-reads the restore from the API server while paused */
  reload: (restore: AuroraRestore) => Promise<AuroraRestore | undefined>;
  sleep: (ms: number) => Promise<void>;
}

function windowsOf(annotations: Record<string, string>): string[] {
  const windows = (annotations[FAULT_WINDOWS_ANNOTATION] ?? '').split(',').filter(Boolean);
  if (annotations[CRASH_TEST_ANNOTATION] === 'true') windows.push('after');
  return windows;
}

function pointName(step: string, window: string): string {
  return window === 'after' ? step : `${step}@${window}`;
}

export function createFaultHook(opts: FaultHookOptions): FaultHook {
  const refOf = (r: AuroraRestore) => ({
    apiVersion: API_VERSION,
    kind: AURORA_RESTORE.kind,
    namespace: r.metadata.namespace ?? 'default',
    name: r.metadata.name,
  });
  return async (restore, step, window) => {
    const point = `${step}@${window}`;
    let current: AuroraRestore | undefined = restore;
    let paused = false;
    while (current?.metadata.annotations?.[PAUSE_ANNOTATION] === point) {
      if (!paused)
        opts.log.warn({ restore: restore.metadata.name, point }, 'Paused at a fault point (test hook)');
      paused = true;
      await opts.sleep(1000);
      current = await opts.reload(restore);
    }
    const annotations = current?.metadata.annotations ?? {};
    const kind = window.replace(/#\d+$/, '');
    if (!windowsOf(annotations).includes(kind)) return paused;
    const crashed = (annotations[CRASHED_STEPS_ANNOTATION] ?? '').split(',').filter(Boolean);
    const name = pointName(step, window);
    if (crashed.includes(name)) return paused;
    await opts.kube.mergePatch(refOf(restore), {
      metadata: { annotations: { [CRASHED_STEPS_ANNOTATION]: [...crashed, name].join(',') } },
    });
    opts.log.warn(
      { restore: restore.metadata.name, step, window },
      'Exiting at a fault point (test fault hook)',
    );
    return opts.die();
  };
}

/** countWrites wraps the client a step's action uses, so the hook can stop the operator between its writes. */
export function countWrites(kube: KubeClient, afterWrite: (n: number) => Promise<void>): KubeClient {
  let n = 0;
  const after = async <T>(result: T): Promise<T> => {
    await afterWrite(++n);
    return result;
  };
  return {
    apply: async (obj) => after(await kube.apply(obj)),
    applyStatus: async (ref, status) => after(await kube.applyStatus(ref, status)),
    mergePatch: async (ref, patch) => after(await kube.mergePatch(ref, patch)),
    delete: async (ref, o) => after(await kube.delete(ref, o)),
    recordEvent: (event) => kube.recordEvent(event),
  };
}
