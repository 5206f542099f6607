// Client traffic blocked by a NetworkPolicy while the restore runs, and let through again after it.
import { buildRestoreNetworkPolicy } from '../resources/network-policy.ts';
import { restoreNetworkPolicyName } from '../resources/names.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { heldByUs } from './world.ts';

export const blockTraffic: RestoreStep = {
  name: 'BlockTraffic',
  done: (s) => !s.restore.spec.blockClientTraffic || s.world.networkPolicy,
  async run(ctx) {
    await ctx.fx.kube.apply(buildRestoreNetworkPolicy(clusterOf(ctx), ctx.fx.operatorPeer));
    return { message: 'client traffic blocked: only the operator and the schedulers reach the pods' };
  },
};

export const unblockTraffic: RestoreStep = {
  name: 'UnblockTraffic',
  done: (s) => !heldByUs(s) || !s.world.networkPolicy,
  async run(ctx) {
    const cluster = clusterOf(ctx);
    const name = restoreNetworkPolicyName(cluster);
    await ctx.fx.kube.delete(clusterObjectRef(cluster, 'networking.k8s.io/v1', 'NetworkPolicy', name));
    return { message: 'client traffic unblocked' };
  },
};
