// Tells which informer events of a controller's own kind are worth a pass: a write to status alone (the
// controller's own checkpoint) is not, so a controller never re-queues itself with its status write and the work
// queue's back-off holds; a spec change (generation), deletion, finalizers, labels, annotations or removal are.
import type { KubernetesObject } from '@kubernetes/client-node';

interface Fingerprinted {
  metadata?: KubernetesObject['metadata'] & { generation?: number };
}

function fingerprint(obj: Fingerprinted): string {
  const m = obj.metadata ?? {};
  return JSON.stringify([
    m.uid,
    m.generation,
    m.deletionTimestamp,
    m.finalizers ?? [],
    m.labels ?? {},
    m.annotations ?? {},
  ]);
}

export interface ChangeFilter {
  /** relevant: true when the object changed outside its status since the last event, or is gone */
  relevant(obj: KubernetesObject, gone: boolean): boolean;
}

export function createChangeFilter(): ChangeFilter {
  const seen = new Map<string, string>();
  return {
    relevant(obj, gone) {
      const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
      if (gone) {
        seen.delete(key);
        return true;
      }
      const print = fingerprint(obj);
      if (seen.get(key) === print) return false;
      seen.set(key, print);
      return true;
    },
  };
}
