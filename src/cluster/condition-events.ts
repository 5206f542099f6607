// Turns condition transitions into Kubernetes events, with the condition's own reason.
import type { Condition } from '../api/conditions.ts';
import type { EventInput, ObjectRef } from '../k8s/kube-client.ts';

// For these types True is the good state; for Degraded and Progressing it is the other way round or neutral.
const GOOD_WHEN_TRUE = new Set([
  'Ready',
  'ReplicatedLogInitialized',
  'LeaderElected',
  'FrameworkRegistered',
  'SchedulersStable',
  'ExecutorHealthy',
  'BackupsHealthy',
  'ObserverConfigured',
]);

export function buildConditionEvents(
  regarding: ObjectRef,
  before: readonly Condition[] | undefined,
  after: readonly Condition[],
): EventInput[] {
  const events: EventInput[] = [];
  for (const next of after) {
    const prev = before?.find((c) => c.type === next.type);
    if (prev && prev.status === next.status && prev.reason === next.reason) continue;
    const bad = GOOD_WHEN_TRUE.has(next.type)
      ? next.status !== 'True'
      : next.type === 'Degraded' && next.status === 'True';
    events.push({
      regarding,
      type: bad ? 'Warning' : 'Normal',
      reason: next.reason,
      message: `${next.type}=${next.status}: ${next.message}`,
    });
  }
  return events;
}
