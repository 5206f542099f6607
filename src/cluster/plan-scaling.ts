// The pure plan of a replica-count change: start it (only from a Ready cluster, checkpoint first), resume it from
// status.scaling after any crash, re-verify each step's postcondition, and finish it before a newer spec applies.
import { nextStep } from '../controller/steps.ts';
import { quorumSize, type AuroraCluster, type ScalingStatus } from '../api/aurora-cluster.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import type { ObservedCluster } from './observed.ts';
import { stepsFor, type ScalingAction, type StepDecision } from './scaling-steps.ts';
import { behind, settled, stsQuorum, stsReplicas, type ScalingWorld } from './scaling-world.ts';

export interface ScalingPlan {
  /** status.scaling after this pass; undefined when no change runs */
  checkpoint: ScalingStatus | undefined;
  /** replicas and quorum the StatefulSet says this pass */
  target: StepDecision['target'];
  action: ScalingAction;
  /** Progressing while a change runs or waits */
  progress?: { reason: string; message: string };
}

export interface ScalingInput {
  cluster: AuroraCluster;
  observed: ObservedCluster;
  leader: ObservedPod | undefined;
  /** why the pass may not write (a restore lock, a refusal): the change waits */
  blockedBy?: string | undefined;
  now: Date;
}

const NONE: ScalingAction = { kind: 'none' };

function notReadyReason(w: ScalingWorld): string | undefined {
  const n = stsReplicas(w);
  if (!settled(w, n)) {
    const late = behind(w);
    return late.length
      ? `${late.join(', ')} not healthy with log/recovered=1`
      : `${w.observed.pods.length} of ${n} schedulers on the current revision`;
  }
  if (!w.leader) return 'no distinct leader';
  return undefined;
}

function holdStill(w: ScalingWorld): StepDecision['target'] {
  return { replicas: stsReplicas(w), quorum: stsQuorum(w) };
}

function startChange(input: ScalingInput, w: ScalingWorld): ScalingPlan {
  const why = input.blockedBy ?? notReadyReason(w);
  const change = `spec.replicas changed from ${w.from} to ${w.to}`;
  if (why) {
    return {
      checkpoint: undefined,
      target: holdStill(w),
      action: NONE,
      progress: {
        reason: 'ScalingWaiting',
        message: `${change}; the change waits until the cluster is Ready: ${why}. It never starts without a quorum.`,
      },
    };
  }
  // the checkpoint is written before any step acts, so a crash anywhere later resumes this very change
  return {
    checkpoint: { from: w.from, to: w.to, step: 'Planned', startedAt: input.now.toISOString() },
    target: holdStill(w),
    action: NONE,
    progress: { reason: 'Scaling', message: `Scaling ${w.from} → ${w.to}: planned; steps start next pass.` },
  };
}

/** planScaling: no change, a change waiting to start, or the next move of the running change. */
export function planScaling(input: ScalingInput): ScalingPlan {
  const { cluster, observed } = input;
  const saved = cluster.status?.scaling;
  const base = { cluster, observed, leader: input.leader };
  const idle: ScalingPlan = {
    checkpoint: undefined,
    target: { replicas: cluster.spec.replicas, quorum: quorumSize(cluster.spec.replicas) },
    action: NONE,
  };
  if (!observed.statefulSet.exists) return idle;
  if (!saved) {
    const w: ScalingWorld = { ...base, from: stsReplicas(base), to: cluster.spec.replicas };
    if (w.from === w.to && stsQuorum(w) === quorumSize(w.to)) return idle;
    return startChange(input, w);
  }
  const w: ScalingWorld = { ...base, from: saved.from, to: saved.to };
  if (input.blockedBy) {
    return {
      checkpoint: saved,
      target: holdStill(w),
      action: NONE,
      progress: {
        reason: 'ScalingWaiting',
        message: `Scaling ${w.from} → ${w.to} paused: ${input.blockedBy}.`,
      },
    };
  }
  const steps = stepsFor(w);
  const at = Math.max(
    0,
    steps.findIndex((s) => s.name === saved.step),
  );
  // scaling checkpoints the step it is in, not each finished one: a step found done is passed over
  const choice = nextStep(steps.slice(at), w, 'unrecorded');
  if (choice.kind === 'run') {
    const step = choice.step;
    const decision = step.decide(w);
    const next =
      cluster.spec.replicas !== w.to
        ? ` spec.replicas is now ${cluster.spec.replicas}: that change starts once this one finished.`
        : '';
    return {
      checkpoint: { ...saved, step: step.name },
      target: decision.target,
      action: decision.action,
      progress: {
        reason: `Scaling${step.name}`,
        message: `Scaling ${w.from} → ${w.to}, ${step.name}: ${decision.message}${next}`,
      },
    };
  }
  // every step verified: the change is over; a newer spec.replicas starts its own change on a later pass
  return { ...idle, target: { replicas: w.to, quorum: quorumSize(w.to) } };
}
