// Turns condition transitions into Kubernetes events, with the condition's own reason.
import { isProblem, type Condition } from '../api/conditions.ts';
import type { EventInput, ObjectRef } from '../k8s/kube-client.ts';

export function buildConditionEvents(
  regarding: ObjectRef,
  before: readonly Condition[] | undefined,
  after: readonly Condition[],
): EventInput[] {
  const events: EventInput[] = [];
  for (const next of after) {
    const prev = before?.find((c) => c.type === next.type);
    if (prev && prev.status === next.status && prev.reason === next.reason) continue;
    events.push({
      regarding,
      type: isProblem(next) ? 'Warning' : 'Normal',
      reason: next.reason,
      message: `${next.type}=${next.status}: ${next.message}`,
    });
  }
  return events;
}
