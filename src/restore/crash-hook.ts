// Test-only fault hook: exit the operator right after a step's action, before its checkpoint, once per step.
import type { AuroraRestore } from '../api/aurora-restore.ts';
import { API_VERSION, AURORA_RESTORE } from '../api/group.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';

/** the restore opts in with this annotation when the operator runs with AURORA_OPERATOR_EXIT_AFTER_STEP_ACTION=1 */
export const CRASH_TEST_ANNOTATION = 'aurora-operator.io/test-exit-after-step-action';
/** steps that already crashed, so a resumed operator does not crash on them again */
export const CRASHED_STEPS_ANNOTATION = 'aurora-operator.io/test-crashed-steps';

export type CrashHook = (restore: AuroraRestore, step: string) => Promise<void>;

export interface CrashHookOptions {
  kube: KubeClient;
  log: Logger;
  /** how the process dies; the default also deletes the operator's own pod so no crash-loop backoff builds up */
  die: () => Promise<never>;
}

export function createCrashHook(opts: CrashHookOptions): CrashHook {
  return async (restore, step) => {
    const annotations = restore.metadata.annotations ?? {};
    if (annotations[CRASH_TEST_ANNOTATION] !== 'true') return;
    const crashed = (annotations[CRASHED_STEPS_ANNOTATION] ?? '').split(',').filter(Boolean);
    if (crashed.includes(step)) return;
    await opts.kube.mergePatch(
      {
        apiVersion: API_VERSION,
        kind: AURORA_RESTORE.kind,
        namespace: restore.metadata.namespace ?? 'default',
        name: restore.metadata.name,
      },
      { metadata: { annotations: { [CRASHED_STEPS_ANNOTATION]: [...crashed, step].join(',') } } },
    );
    opts.log.warn(
      { restore: restore.metadata.name, step },
      'Exiting after the step action (test fault hook)',
    );
    await opts.die();
  };
}
