// A small world for the scaling step table: a StatefulSet, its pods (each with the quorum it was started with),
// the leader and the log PVCs. It records every moment the quorum rule is broken or a stale log rejoins.
import { quorumSize, type AuroraClusterStatus } from '../../../src/api/aurora-cluster.ts';
import { LOG_QUORUM_ANNOTATION } from '../../../src/api/contracts.ts';
import { planScaling, type ScalingPlan } from '../../../src/cluster/plan-scaling.ts';
import { decideRollout } from '../../../src/cluster/rollout.ts';
import type { ObservedCluster } from '../../../src/cluster/observed.ts';
import { cluster, followerProbe, leaderProbe, pod } from './fixtures.ts';

interface SimPod {
  quorum: number;
  revision: string;
}

export class ScalingSim {
  replicas: number;
  quorum: number;
  generation = 1;
  pods = new Map<number, SimPod>();
  leader: number | undefined = 0;
  /** ordinal → the log in its PVC is current (false: retained from a removed replica) */
  claims = new Map<number, boolean>();
  checkpoint: AuroraClusterStatus['scaling'];
  violations: string[] = [];
  configs: string[] = [];

  constructor(replicas: number) {
    this.replicas = replicas;
    this.quorum = quorumSize(replicas);
    for (let i = 0; i < replicas; i++) {
      this.pods.set(i, { quorum: this.quorum, revision: this.revision() });
      this.claims.set(i, true);
    }
  }

  revision(): string {
    return `rev-q${this.quorum}`;
  }

  observed(): ObservedCluster {
    const ordinals = [...this.pods.keys()].sort((a, b) => a - b);
    return {
      statefulSet: {
        exists: true,
        replicas: this.replicas,
        updateRevision: this.revision(),
        generation: this.generation,
        observedGeneration: this.generation,
        annotations: { [LOG_QUORUM_ANNOTATION]: String(this.quorum) },
      },
      pods: ordinals.map((o) =>
        pod(o, {
          revision: this.pods.get(o)?.revision ?? '',
          probe: o === this.leader ? leaderProbe : followerProbe,
        }),
      ),
      serverset: { members: [] },
      claims: [...this.claims.keys()].map((o) => ({
        name: `log-example-${o}`,
        volume: 'log',
        ordinal: o,
        deleting: false,
      })),
    };
  }

  plan(spec: number): ScalingPlan {
    const observed = this.observed();
    const status = this.checkpoint ? { scaling: this.checkpoint } : undefined;
    return planScaling({
      cluster: cluster(status, spec),
      observed,
      leader: observed.pods.find((p) => p.ordinal === this.leader),
      now: new Date('2026-01-01T00:00:00Z'),
    });
  }

  /** one pass: plan, apply the StatefulSet, one restart and the step's action, then (unless crashed) the checkpoint */
  pass(spec: number, crashBeforeCheckpoint = false): ScalingPlan {
    const plan = this.plan(spec);
    if (plan.target.quorum !== this.quorum || plan.target.replicas !== this.replicas) this.generation++;
    this.replicas = plan.target.replicas;
    this.quorum = plan.target.quorum;
    const observed = this.observed();
    const leaderName = observed.pods.find((p) => p.ordinal === this.leader)?.name;
    const rollout = decideRollout(observed.pods, this.revision(), this.replicas, leaderName);
    if (rollout.action === 'restart') this.restart(Number(rollout.pod.split('-').pop()));
    if (plan.action.kind === 'delete-pod') this.restart(Number(plan.action.pod.split('-').pop()));
    if (plan.action.kind === 'delete-claims') {
      for (const name of plan.action.claims) this.claims.delete(Number(name.split('-').pop()));
    }
    if (!crashBeforeCheckpoint) this.checkpoint = plan.checkpoint;
    this.tick();
    return plan;
  }

  private restart(ordinal: number): void {
    this.pods.set(ordinal, { quorum: this.quorum, revision: this.revision() });
    if (this.leader === ordinal) {
      this.leader = [...this.pods.keys()].filter((o) => o !== ordinal).sort((a, b) => a - b)[0];
    }
    this.check(`restart of ${ordinal}`);
  }

  /** the StatefulSet controller: pods follow replicas; a claim is created, or reused as it is */
  private tick(): void {
    for (const o of [...this.pods.keys()]) {
      if (o >= this.replicas) {
        this.pods.delete(o);
        this.claims.set(o, false);
        if (this.leader === o) this.leader = 0;
      }
    }
    for (let o = 0; o < this.replicas; o++) {
      if (this.pods.has(o)) continue;
      if (this.claims.get(o) === false) this.violations.push(`ordinal ${o} rejoined on a stale log`);
      this.claims.set(o, true);
      this.pods.set(o, { quorum: this.quorum, revision: this.revision() });
    }
    this.check('tick');
    this.configs.push([...this.pods.values()].map((p) => p.quorum).join(''));
  }

  private check(when: string): void {
    const quorums = [...this.pods.values()].map((p) => p.quorum);
    if (2 * Math.min(...quorums) <= quorums.length) {
      this.violations.push(`${when}: quorums ${quorums.join(',')} in a group of ${quorums.length}`);
    }
  }

  /** passes until no change runs and the world matches `spec`; throws when it never gets there */
  drive(spec: number, crashAt = -1, limit = 60): number {
    for (let i = 0; i < limit; i++) {
      const plan = this.pass(spec, i === crashAt);
      if (!this.checkpoint && !plan.progress && this.replicas === spec && this.quorum === quorumSize(spec))
        return i;
    }
    throw new Error(
      `no convergence to ${spec}: ${JSON.stringify(this.checkpoint)} ${this.configs.join(' ')}`,
    );
  }
}
