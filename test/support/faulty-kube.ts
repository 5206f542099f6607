// The operator's view of an API server having a bad moment: a write refused (500, 429, 409) without landing, or
// landed with its reply lost, as a nemesis draws them; the memory API server underneath keeps the truth.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventInput, KubeClient, ObjectRef } from '../../src/k8s/kube-client.ts';
import { KubeApiError } from './memory-kube.ts';

export type KubeFault = 'unavailable' | 'throttled' | 'conflict' | 'lost-reply';

export const KUBE_FAULTS: readonly KubeFault[] = ['unavailable', 'throttled', 'conflict', 'lost-reply'];

function refusal(fault: Exclude<KubeFault, 'lost-reply'>): KubeApiError {
  if (fault === 'throttled') return new KubeApiError(429, 'Too many requests, please try again later.');
  if (fault === 'conflict')
    return new KubeApiError(
      409,
      'the object has been modified; please apply your changes to the latest version',
    );
  return new KubeApiError(500, 'etcdserver: leader changed');
}

/** withKubeFaults: each write first asks `draw`; a refusal does not land, 'lost-reply' lands and then fails. */
export function withKubeFaults(kube: KubeClient, draw: (write: string) => KubeFault | undefined): KubeClient {
  const guarded = async <T>(write: string, call: () => Promise<T>): Promise<T> => {
    const fault = draw(write);
    if (fault && fault !== 'lost-reply') throw refusal(fault);
    const result = await call();
    if (fault === 'lost-reply') throw new KubeApiError(504, 'Timeout: request did not complete within 60s');
    return result;
  };
  return {
    apply: <T extends KubernetesObject>(obj: T) => guarded('apply', () => kube.apply(obj)),
    applyStatus: (ref: ObjectRef, status: unknown) =>
      guarded('applyStatus', () => kube.applyStatus(ref, status)),
    mergePatch: (ref: ObjectRef, patch: Record<string, unknown>) =>
      guarded('mergePatch', () => kube.mergePatch(ref, patch)),
    delete: (ref: ObjectRef, opts?: { uid?: string; gracePeriodSeconds?: number }) =>
      guarded('delete', () => kube.delete(ref, opts)),
    // events are best effort in the operator, so their faults only test that nothing depends on them
    recordEvent: (event: EventInput) => guarded('recordEvent', () => kube.recordEvent(event)),
  };
}
