// Fault windows: instrumentation an executor calls before and after an action, after each of its writes and after
// each checkpoint, so tests can stop or pause the operator there. Production passes no hook, so none exists.
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';

/** Resolves true when it paused: what the pass observed may be stale by then. */
export type FaultHook<T> = (subject: T, step: string, window: string) => Promise<boolean>;

export interface FaultHookBase<T> {
  kube: KubeClient;
  log: Logger;
  /** re-reads the subject from the API server while paused */
  reload: (subject: T) => Promise<T | undefined>;
}

/** Builds the hook from what the controller holds; only a test entry point passes a factory. */
export type FaultHookFactory<T> = (base: FaultHookBase<T>) => FaultHook<T>;

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
