// The pure decisions of spec.bootstrap.fromBackup: a cluster the log-init guard treats as a first creation gets
// its log from an internal Offline AuroraRestore instead of an empty initialization, once (docs/backups.md).
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { bootstrapRestoreName, type BootstrapStatus } from '../api/bootstrap-spec.ts';
import type { LogInitPlan } from './plan-log-init.ts';

/** What the cluster pass needs of its bootstrap restore, read loosely: any status shape must not stop a pass. */
export interface BootstrapRestoreView {
  phase?: string | undefined;
  step?: string | undefined;
  /** the backup Validate picked (what latest resolved to) */
  sourceName?: string | undefined;
  error?: string | undefined;
  /** the message of the running step, e.g. why Validate waits for the store */
  stepMessage?: string | undefined;
}

export type BootstrapPlan =
  | { kind: 'none' }
  | { kind: 'done' }
  /** create the restore: the guard allows a first creation and nothing of a log exists */
  | { kind: 'start'; restore: string }
  | { kind: 'running'; restore: string; message: string }
  | { kind: 'succeeded'; restore: string; backupId: string }
  | { kind: 'failed'; restore: string; reason: string; message: string }
  /** nothing runs: the guard refuses or waits, or the log exists already */
  | { kind: 'held'; reason: string; message: string };

export interface BootstrapInput {
  cluster: AuroraCluster;
  /** the restore named bootstrapRestoreName, undefined when it does not exist */
  restore: BootstrapRestoreView | undefined;
  logInit: LogInitPlan;
  /** the log was initialized: a quorum reports a recovered log or the status recorded one */
  initialized: boolean;
}

type Record_ = Record<string, unknown>;
const obj = (v: unknown): Record_ | undefined =>
  typeof v === 'object' && v !== null ? (v as Record_) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** toBootstrapRestoreView reads the few fields the plan needs from the restore as the API server returned it. */
export function toBootstrapRestoreView(raw: unknown): BootstrapRestoreView | undefined {
  const restore = obj(raw);
  if (!restore) return undefined;
  const status = obj(restore['status']) ?? {};
  const error = obj(status['error']);
  const step = str(status['step']);
  const timeline = Array.isArray(status['timeline']) ? status['timeline'].map(obj) : [];
  const current = timeline.findLast((t) => t?.['step'] === step);
  return {
    phase: str(status['phase']),
    step,
    sourceName: str(obj(status['source'])?.['name']),
    error: error ? `${str(error['step']) ?? '?'}: ${str(error['message']) ?? ''}` : undefined,
    stepMessage: str(current?.['message']),
  };
}

// a store failure names its reason in parentheses (src/restore/store-source.ts); anything else is generic
function failureReason(error: string | undefined): string {
  return /failed \(([A-Z][A-Za-z]+)\):/.exec(error ?? '')?.[1] ?? 'BootstrapFailed';
}

function source(cluster: AuroraCluster): string {
  const from = cluster.spec.bootstrap?.fromBackup;
  if (!from) return '';
  return `${from.backupId} from s3://${from.objectStore.bucket}/${from.objectStore.prefix}`;
}

function planWithRestore(cluster: AuroraCluster, name: string, r: BootstrapRestoreView): BootstrapPlan {
  if (r.phase === 'Succeeded') {
    return {
      kind: 'succeeded',
      restore: name,
      backupId: r.sourceName ?? cluster.spec.bootstrap?.fromBackup.backupId ?? '',
    };
  }
  if (r.phase === 'Failed' || r.phase === 'Cancelled') {
    const cause = r.error ?? `AuroraRestore ${name} ended ${r.phase}`;
    return {
      kind: 'failed',
      restore: name,
      reason: failureReason(r.error),
      message:
        `Bootstrap of ${source(cluster)} failed: ${cause}. The replicated log stays uninitialized. Fix the cause ` +
        `(the object store, its Secret, the backup), then delete AuroraRestore ${name} to try again.`,
    };
  }
  const detail = r.stepMessage ? `: ${r.stepMessage}` : '';
  return {
    kind: 'running',
    restore: name,
    message: `Bootstrapping ${source(cluster)} through AuroraRestore ${name} (step ${r.step ?? 'Pending'})${detail}.`,
  };
}

/**
 * planBootstrap: the restore, once it exists, decides; without it a bootstrap starts only where the log-init guard
 * would initialize a new cluster, so evidence of an existing log refuses it as it refuses an initialization.
 */
export function planBootstrap(input: BootstrapInput): BootstrapPlan {
  const { cluster, restore, logInit, initialized } = input;
  if (!cluster.spec.bootstrap) return { kind: 'none' };
  if (cluster.status?.bootstrap?.completedAt) return { kind: 'done' };
  const name = bootstrapRestoreName(cluster.metadata.name);
  if (restore) return planWithRestore(cluster, name, restore);
  if (initialized) {
    return {
      kind: 'held',
      reason: 'BootstrapRefused',
      message:
        "Bootstrap not run: this cluster's replicated log is initialized already, and a log that exists is " +
        'never overwritten by a bootstrap. Restore a backup into it with an AuroraRestore instead.',
    };
  }
  if (logInit.refusal) {
    return {
      kind: 'held',
      reason:
        logInit.refusal.reason === 'InitializationRefused' ? 'BootstrapRefused' : logInit.refusal.reason,
      message: `Bootstrap not started, as an empty initialization would not be: ${logInit.refusal.message}`,
    };
  }
  if (logInit.allowed) return { kind: 'start', restore: name };
  return {
    kind: 'held',
    reason: 'BootstrapWaiting',
    message: 'Bootstrap waits until the log-init guard allows a first creation.',
  };
}

/** holdsLogInit: while a bootstrap is due its restore writes the log, so log-init never initializes one empty. */
export function holdsLogInit(plan: BootstrapPlan): boolean {
  return plan.kind !== 'none' && plan.kind !== 'done';
}

/** computeBootstrapStatus: status.bootstrap after this pass; its completedAt is the record that it never reruns. */
export function computeBootstrapStatus(
  plan: BootstrapPlan,
  previous: BootstrapStatus | undefined,
  now: Date,
): BootstrapStatus | undefined {
  const at = now.toISOString();
  const { message: _message, ...kept } = previous ?? {};
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'done':
      return previous;
    case 'start':
      return { ...kept, restore: plan.restore, startedAt: previous?.startedAt ?? at };
    case 'running':
    case 'failed':
      return { ...kept, restore: plan.restore, startedAt: previous?.startedAt ?? at, message: plan.message };
    case 'succeeded':
      return {
        ...kept,
        restore: plan.restore,
        startedAt: previous?.startedAt ?? at,
        backupId: plan.backupId,
        completedAt: at,
      };
    case 'held':
      return { ...kept, message: plan.message };
  }
}

/** bootstrapConditionInput: what the Progressing, Degraded and ReplicatedLogInitialized rules say about it. */
export function bootstrapFacts(plan: BootstrapPlan): {
  progress?: { reason: string; message: string };
  problem?: { reason: string; message: string };
} {
  if (plan.kind === 'start') {
    return {
      progress: {
        reason: 'Bootstrapping',
        message: `Creating AuroraRestore ${plan.restore} to bootstrap the log.`,
      },
    };
  }
  if (plan.kind === 'running') return { progress: { reason: 'Bootstrapping', message: plan.message } };
  if (plan.kind === 'failed') return { problem: { reason: plan.reason, message: plan.message } };
  return {};
}
