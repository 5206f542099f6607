// Standard Kubernetes condition shape, the table of condition types the operator writes, and a pure setter.
import { z } from 'zod';

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

export type ConditionKind = 'AuroraCluster' | 'AuroraRestore';

export interface ConditionTypeSpec {
  /** The kinds whose status carries the condition. */
  readonly kinds: readonly ConditionKind[];
  /** The healthy status; null when the condition reports activity, so that neither status is a problem. */
  readonly good: Exclude<ConditionStatus, 'Unknown'> | null;
  readonly meaning: string;
}

/** CONDITION_TYPES is every condition type the operator writes; docs/diagnostics.md explains the symptoms. */
export const CONDITION_TYPES = {
  Ready: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'Every scheduler is ready and healthy, the log is initialized and one registered leader serves.',
  },
  Degraded: {
    kinds: ['AuroraCluster'],
    good: 'False',
    meaning:
      'The log quorum is lost, a scheduler crash-loops or is unhealthy, the spec is refused, or another cluster owns its ZooKeeper paths.',
  },
  Progressing: {
    kinds: ['AuroraCluster', 'AuroraRestore'],
    good: null,
    meaning:
      'Work is under way: a rollout or missing replicas of a cluster, or the current step of a restore.',
  },
  ReplicatedLogInitialized: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'A quorum of replicas report an initialized replicated log (log/recovered=1).',
  },
  LeaderElected: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'Exactly one scheduler advertises itself as the leader in the ZooKeeper serverset.',
  },
  FrameworkRegistered: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'Exactly one scheduler is registered with Mesos (framework_registered sums to 1).',
  },
  SchedulersStable: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'No scheduler exited within the diagnostics window other than in a planned failover.',
  },
  ExecutorHealthy: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'No recent task went to FAILED or LOST without ever reaching STARTING or RUNNING.',
  },
  ObserverConfigured: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning:
      "The Thermos observer's --mesos-root matches the agents' --work_dir (only with spec.thermosObserver).",
  },
  BackupsHealthy: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning: 'Backups do not fail and the newest is younger than twice the effective backup interval.',
  },
  BackupsVerified: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning:
      'The newest rehearsed backup was restored into an isolated throwaway scheduler and its tasks matched (spec.backup.verify).',
  },
  BackupsShipped: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning:
      'The backup agents upload every complete backup to spec.backup.objectStore: no upload fails, no local backup is unreadable, and the newest is shipped within two backup intervals.',
  },
  ImageMatchesVersion: {
    kinds: ['AuroraCluster'],
    good: 'True',
    meaning:
      "spec.image's tag names no supported Aurora version other than spec.version (a tag that is no version is not compared).",
  },
} as const satisfies Record<string, ConditionTypeSpec>;

export type ConditionType = keyof typeof CONDITION_TYPES;

type TypesOf<K extends ConditionKind> = {
  [T in ConditionType]: K extends (typeof CONDITION_TYPES)[T]['kinds'][number] ? T : never;
}[ConditionType];

export type ClusterConditionType = TypesOf<'AuroraCluster'>;
export type RestoreConditionType = TypesOf<'AuroraRestore'>;

export function isConditionType(type: string): type is ConditionType {
  return Object.hasOwn(CONDITION_TYPES, type);
}

/** conditionTypesOf lists the condition types the status of a kind carries, in table order. */
export function conditionTypesOf(kind: ConditionKind): ConditionType[] {
  return (Object.keys(CONDITION_TYPES) as ConditionType[]).filter((t) => {
    const spec: ConditionTypeSpec = CONDITION_TYPES[t];
    return spec.kinds.includes(kind);
  });
}

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

/** A condition as a rule computes it: everything but the transition time, with a type from the table. */
export type ConditionInput<T extends ConditionType = ConditionType> = Omit<
  Condition,
  'lastTransitionTime' | 'type'
> & {
  type: T;
};

/** What a rule decides for one condition type: the status, the reason and the message. */
export type ConditionBody = Pick<Condition, 'status' | 'reason' | 'message'>;

export function conditionTrue(reason: string, message: string): ConditionBody {
  return { status: 'True', reason, message };
}

export function conditionFalse(reason: string, message: string): ConditionBody {
  return { status: 'False', reason, message };
}

export function conditionUnknown(reason: string, message: string): ConditionBody {
  return { status: 'Unknown', reason, message };
}

/** typedConditions turns rule results keyed by condition type into condition inputs, in key order. */
export function typedConditions<T extends ConditionType>(
  byType: Partial<Record<T, ConditionBody>>,
): ConditionInput<T>[] {
  return (Object.entries(byType) as [T, ConditionBody | undefined][]).flatMap(([type, body]) =>
    body ? [{ type, ...body }] : [],
  );
}

/**
 * setCondition returns a new list where the condition of next.type is replaced (or appended); the
 * lastTransitionTime only moves when the status changes, as kubectl and controllers expect. next takes any
 * type, so a Condition read back from the API server fits; rules produce the narrower ConditionInput.
 */
export function setCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
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
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * isProblem tells whether a condition is away from its good status in CONDITION_TYPES (its events are
 * Warnings, the report lists it). Unknown is a problem; a type outside the table or without a good status
 * never is.
 */
export function isProblem(c: { type: string; status: string }): boolean {
  if (!isConditionType(c.type)) return false;
  const { good }: ConditionTypeSpec = CONDITION_TYPES[c.type];
  return good !== null && c.status !== good;
}
