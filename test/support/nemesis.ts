// A seeded schedule of ordinary faults over one whole restore: each pass may bring Aurora refusals, lost replies,
// storage that is not READY, leader changes, scheduler restarts, unreachable agents and probes, API server
// refusals and lost replies, failed reads, and operator kills; after `faultPasses` passes every fault clears.
import { createPrng } from './manifest-fuzz.ts';
import type { RestoreWorld } from './restore-world.ts';
import { RPC_FAULTS, type RpcFault } from './aurora-faults.ts';
import { KUBE_FAULTS, type KubeFault } from './faulty-kube.ts';

export type TerminalFault = 'none' | 'unreadable-backup' | 'stage-error';

export interface NemesisPlan {
  seed: number;
  strategy: 'Staged' | 'Offline';
  approval: boolean;
  terminal: TerminalFault;
  /** per-call or per-pass probabilities while faults last */
  rates: {
    rpc: number;
    agent: number;
    probe: number;
    kube: number;
    read: number;
    kill: number;
    leaderChange: number;
    schedulerRestart: number;
    unreadyStorage: number;
  };
  faultPasses: number;
}

export function drawPlan(seed: number): NemesisPlan {
  const r = createPrng(seed);
  const rate = (max: number) => r() * max;
  const strategy = r() < 0.5 ? 'Staged' : 'Offline';
  const t = r();
  const terminal: TerminalFault =
    t < 0.06 ? 'unreadable-backup' : t < 0.12 && strategy === 'Staged' ? 'stage-error' : 'none';
  return {
    seed,
    strategy,
    approval: r() < 0.3,
    terminal,
    rates: {
      rpc: rate(0.35),
      agent: rate(0.25),
      probe: rate(0.2),
      kube: rate(0.2),
      read: rate(0.15),
      kill: rate(0.04),
      leaderChange: rate(0.05),
      schedulerRestart: rate(0.04),
      unreadyStorage: rate(0.08),
    },
    faultPasses: 60 + Math.floor(r() * 400),
  };
}

export type NemesisCounts = Record<keyof NemesisPlan['rates'], number>;

/** Nemesis: installs the plan's faults on a world and draws them pass by pass until they clear. */
export class Nemesis {
  readonly counts: NemesisCounts;
  private passes = 0;
  private readonly r: () => number;
  readonly plan: NemesisPlan;

  constructor(plan: NemesisPlan) {
    this.plan = plan;
    this.r = createPrng(plan.seed ^ 0x5eed);
    this.counts = Object.fromEntries(Object.keys(plan.rates).map((k) => [k, 0])) as NemesisCounts;
  }

  get active(): boolean {
    return this.passes < this.plan.faultPasses;
  }

  private hit(kind: keyof NemesisCounts): boolean {
    if (!this.active || this.r() >= this.plan.rates[kind]) return false;
    this.counts[kind]++;
    return true;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)] as T;
  }

  install(world: RestoreWorld): void {
    world.aurora.rpcFault = (): RpcFault | undefined => (this.hit('rpc') ? this.pick(RPC_FAULTS) : undefined);
    world.aurora.agentFault = () => this.hit('agent');
    world.aurora.probeFault = () => this.hit('probe');
  }

  kubeFault = (): KubeFault | undefined => (this.hit('kube') ? this.pick(KUBE_FAULTS) : undefined);

  readFault = (): boolean => this.hit('read');

  /** beforePass: the world-level faults of one pass */
  beforePass(world: RestoreWorld): void {
    this.passes++;
    if (this.hit('kill')) world.kube.failAfterWrites(Math.floor(this.r() * 4));
    if (this.hit('leaderChange')) {
      world.aurora.failover();
      // a new leader's storage answers "not READY" until its log writer is elected
      world.aurora.unreadyReads = Math.floor(this.r() * 4);
    }
    if (this.hit('schedulerRestart')) world.aurora.staged = undefined;
    if (this.hit('unreadyStorage')) world.aurora.unreadyReads = 1 + Math.floor(this.r() * 6);
  }
}
