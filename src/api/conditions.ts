// Standard Kubernetes condition shape, the AuroraCluster condition types, and a pure setter.
import { z } from 'zod';

export const CLUSTER_CONDITION_TYPES = [
  'Ready',
  'ReplicatedLogInitialized',
  'LeaderElected',
  'FrameworkRegistered',
  'Progressing',
  'Degraded',
  'SchedulersStable',
  'ExecutorHealthy',
  'BackupsHealthy',
  'ObserverConfigured',
] as const;

export type ClusterConditionType = (typeof CLUSTER_CONDITION_TYPES)[number];

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

export const Condition = z
  .object({
    type: z.string().min(1).max(316).describe('Type of the condition in CamelCase, e.g. Ready.'),
    status: z.enum(CONDITION_STATUSES).describe('Status of the condition: True, False or Unknown.'),
    reason: z.string().max(1024).describe('Machine-readable CamelCase reason for the last transition.'),
    message: z.string().max(32768).describe('Human-readable detail about the last transition.'),
    lastTransitionTime: z
      .string()
      .describe('RFC 3339 time the condition last changed status.')
      .meta({ format: 'date-time' }),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation of the object this condition was computed from.'),
  })
  .describe('A standard Kubernetes condition.');

export type Condition = z.infer<typeof Condition>;

/** Conditions is keyed by type, so server-side apply merges one condition at a time. */
export const Conditions = z
  .array(Condition)
  .max(32)
  .describe('Standard conditions, keyed by type.')
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * setCondition returns a new list where the condition of next.type is replaced (or appended); the
 * lastTransitionTime only moves when the status changes, as kubectl and controllers expect.
 */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, now: Date): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    current && current.status === next.status ? current.lastTransitionTime : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  if (!current) return [...conditions, updated];
  return conditions.map((c) => (c.type === next.type ? updated : c));
}

/** findCondition returns the condition of the given type, if any. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

// For these types True is the good state; Degraded is the reverse and Progressing is neutral.
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

/** isProblem tells whether a condition describes something wrong (events are Warnings, reports list it). */
export function isProblem(c: { type: string; status: string }): boolean {
  if (GOOD_WHEN_TRUE.has(c.type)) return c.status !== 'True';
  return c.type === 'Degraded' && c.status === 'True';
}
