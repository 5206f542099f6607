// The restore fault hook of the test world: annotations on an AuroraRestore stop or pause the operator at a named
// window of a step (src/controller/fault-windows.ts), so tests reach every window. Only the test world's entry
// point (test/world/operator-test-main.ts) builds one; `aurora-operator run` cannot.
import type { AuroraRestore } from '../../src/api/aurora-restore.ts';
import { API_VERSION, AURORA_RESTORE } from '../../src/api/group.ts';
import type { FaultHook, FaultHookBase } from '../../src/controller/fault-windows.ts';

/** Legacy opt-in: 'true' means exit once after every step's action (the `after` window). */
export const CRASH_TEST_ANNOTATION = 'aurora-operator.io/test-exit-after-step-action';
/** Windows to exit at, once per step: before (the action), write (after each of its writes), intent, after. */
export const FAULT_WINDOWS_ANNOTATION = 'aurora-operator.io/test-exit-at';
/** Points already hit (`Step` for `after`, `Step@window` otherwise), so a resumed operator moves on. */
export const CRASHED_STEPS_ANNOTATION = 'aurora-operator.io/test-crashed-steps';
/** `Step@window`: the operator waits at this point for as long as the annotation names it. */
export const PAUSE_ANNOTATION = 'aurora-operator.io/test-pause-at';

export interface FaultHookOptions extends FaultHookBase<AuroraRestore> {
  /** how the process dies; the default also deletes the operator's own pod so no crash-loop backoff builds up */
  die: () => Promise<never>;
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

export function createFaultHook(opts: FaultHookOptions): FaultHook<AuroraRestore> {
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
