// Derives a pod's status (phase, conditions, container statuses) the way the kubelet reports it.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerStatusJson } from './container-status.ts';
import { rfc3339 } from './kube.ts';

export interface PodStatusInput {
  pod: V1Pod;
  podIP: string;
  hostIP: string;
  startTime: string;
  initStatuses: ContainerStatusJson[];
  appStatuses: ContainerStatusJson[];
  /** Set once an init container failed under restartPolicy Never. */
  initFailed: boolean;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** Remembers when each condition last changed, so unchanged conditions keep their times. */
export class ConditionClock {
  private readonly seen = new Map<string, { status: string; time: string }>();

  constructor(existing: V1Pod['status']) {
    for (const c of existing?.conditions ?? []) {
      const time = c.lastTransitionTime ? rfc3339(new Date(c.lastTransitionTime)) : rfc3339();
      this.seen.set(c.type, { status: c.status, time });
    }
  }

  condition(type: string, ok: boolean, reason?: string, message?: string): Condition {
    const status = ok ? 'True' : 'False';
    let entry = this.seen.get(type);
    if (!entry || entry.status !== status) {
      entry = { status, time: rfc3339() };
      this.seen.set(type, entry);
    }
    const condition: Condition = { type, status, lastTransitionTime: entry.time };
    if (!ok && reason) condition.reason = reason;
    if (!ok && message) condition.message = message;
    return condition;
  }
}

export function podPhase(input: PodStatusInput): string {
  const policy = input.pod.spec?.restartPolicy ?? 'Always';
  if (input.initFailed) return 'Failed';
  const initDone = input.initStatuses.every((s) => s.state.terminated?.exitCode === 0);
  if (!initDone) return 'Pending';
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  let waiting = 0;
  for (const s of input.appStatuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function names(statuses: ContainerStatusJson[]): string {
  return `[${statuses.map((s) => s.name).join(' ')}]`;
}

/** The status object to write through pods/status. */
export function computePodStatus(input: PodStatusInput, clock: ConditionClock): Record<string, unknown> {
  const phase = podPhase(input);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const incompleteInit = input.initStatuses.filter((s) => s.state.terminated?.exitCode !== 0);
  const initialized = incompleteInit.length === 0;
  const unready = input.appStatuses.filter((s) => !s.ready);
  const containersReady = initialized && unready.length === 0;
  const gates = input.pod.spec?.readinessGates ?? [];
  const current = input.pod.status?.conditions ?? [];
  const openGates = gates.filter(
    (g) => !current.some((c) => c.type === g.conditionType && c.status === 'True'),
  );
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const conditions = [
    clock.condition('PodReadyToStartContainers', !terminal),
    clock.condition(
      'Initialized',
      initialized,
      'ContainersNotInitialized',
      `containers with incomplete status: ${names(incompleteInit)}`,
    ),
    clock.condition(
      'Ready',
      containersReady && openGates.length === 0 && !terminal,
      openGates.length > 0 && containersReady ? 'ReadinessGatesNotReady' : notReadyReason,
      `containers with unready status: ${names(unready)}`,
    ),
    clock.condition(
      'ContainersReady',
      containersReady && !terminal,
      notReadyReason,
      `containers with unready status: ${names(unready)}`,
    ),
    clock.condition('PodScheduled', true),
  ];
  const status: Record<string, unknown> = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    containerStatuses: [...input.appStatuses].sort((a, b) => a.name.localeCompare(b.name)),
  };
  if (input.initStatuses.length > 0) status['initContainerStatuses'] = input.initStatuses;
  return status;
}
