// What a reconcile reads of one StatefulSet pod: its state, labels, and the runs of its main container.
import type { V1Pod } from '@kubernetes/client-node';

/** The container whose restarts, exits and start time ObservedPod reports, by its name in the operator's pods. */
const MAIN_CONTAINER = 'scheduler';

export interface ObservedPod {
  name: string;
  ordinal: number;
  uid: string;
  podIP?: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  revision?: string;
  labels: Readonly<Record<string, string>>;
  restarts: number;
  lastExitCode?: number;
  waitingReason?: string;
  /** When the running main container started. */
  startedAt?: string;
  /** The main container's previous run, from lastState.terminated. */
  lastTermination?: { exitCode: number; startedAt?: string; finishedAt?: string; reason?: string };
  /** Containers of any kind (init, sidecar, main) that cannot start: image pulls, bad config, crash loops. */
  stuck?: StuckContainer[];
}

export interface StuckContainer {
  container: string;
  reason: string;
  message?: string;
}

/** Waiting reasons the kubelet keeps repeating without help: a person has to fix the image or the spec. */
export const STUCK_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
]);

function stuckContainers(pod: V1Pod): StuckContainer[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.flatMap((c) => {
    const waiting = c.state?.waiting;
    if (!waiting?.reason || !STUCK_REASONS.has(waiting.reason)) return [];
    return [
      { container: c.name, reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) },
    ];
  });
}

function ordinalOf(name: string): number {
  const match = /-(\d+)$/.exec(name);
  return match ? Number(match[1]) : -1;
}

export function toObservedPod(pod: V1Pod): ObservedPod {
  const main = pod.status?.containerStatuses?.find((c) => c.name === MAIN_CONTAINER);
  const observed: ObservedPod = {
    name: pod.metadata?.name ?? '',
    ordinal: ordinalOf(pod.metadata?.name ?? ''),
    uid: pod.metadata?.uid ?? '',
    phase: pod.status?.phase ?? 'Pending',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    labels: { ...pod.metadata?.labels },
    restarts: main?.restartCount ?? 0,
  };
  const ip = pod.status?.podIP;
  const revision = pod.metadata?.labels?.['controller-revision-hash'];
  const exitCode = main?.lastState?.terminated?.exitCode;
  const waiting = main?.state?.waiting?.reason;
  if (ip) observed.podIP = ip;
  if (revision) observed.revision = revision;
  if (exitCode !== undefined) observed.lastExitCode = exitCode;
  if (waiting) observed.waitingReason = waiting;
  const stuck = stuckContainers(pod);
  if (stuck.length) observed.stuck = stuck;
  const running = main?.state?.running?.startedAt;
  if (running) observed.startedAt = new Date(running).toISOString();
  const last = main?.lastState?.terminated;
  if (last) {
    observed.lastTermination = {
      exitCode: last.exitCode,
      ...(last.startedAt ? { startedAt: new Date(last.startedAt).toISOString() } : {}),
      ...(last.finishedAt ? { finishedAt: new Date(last.finishedAt).toISOString() } : {}),
      ...(last.reason ? { reason: last.reason } : {}),
    };
  }
  return observed;
}
