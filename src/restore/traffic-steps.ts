// Client traffic blocked by a NetworkPolicy while the restore runs, and let through again after it.
import { restoreNetworkPolicyName } from '../resources/names.ts';
import { clusterObjectRef, clusterOf } from './cluster-ref.ts';
import type { RestoreStep } from './step.ts';
import { heldByUs } from './world.ts';

export const blockTraffic: RestoreStep = {
  name: 'BlockTraffic',
  done: (s) => !s.restore.spec.blockClientTraffic || s.world.networkPolicy,
  decide: () => ({
    kind: 'kube',
    ops: [{ op: 'block-traffic' }],
    message: 'client traffic blocked: only the operator and the schedulers reach the pods',
  }),
};

export const unblockTraffic: RestoreStep = {
  name: 'UnblockTraffic',
  done: (s) => !heldByUs(s) || !s.world.networkPolicy,
  decide(s) {
    const cluster = clusterOf(s);
    const name = restoreNetworkPolicyName(cluster);
    return {
      kind: 'kube',
      ops: [{ op: 'delete', ref: clusterObjectRef(cluster, 'networking.k8s.io/v1', 'NetworkPolicy', name) }],
      message: 'client traffic unblocked',
    };
  },
};
