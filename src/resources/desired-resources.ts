// Everything the operator applies for one AuroraCluster, in apply order.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { buildLogInitConfigMap } from './log-init.ts';
import { buildPodDisruptionBudget } from './pod-disruption-budget.ts';
import type { SchedulerMode } from './scheduler-args.ts';
import { buildClientService, buildHeadlessService } from './services.ts';
import { buildStatefulSet } from './statefulset.ts';

export interface DesiredResourcesOptions {
  readonly mode?: SchedulerMode;
  readonly replicas?: number;
  /** defaults to "not yet marked initialized in status" */
  readonly logInitAllowed?: boolean;
}

/** isLogInitAllowed is true until the status records that the replicated log was initialized once. */
export function isLogInitAllowed(cluster: AuroraCluster): boolean {
  return cluster.status?.replicatedLog?.initialized !== true;
}

/**
 * buildDesiredResources is pure; the ConfigMap and Services come before the StatefulSet so a new pod
 * finds its log-init switch and its peers' DNS names on first start.
 */
export function buildDesiredResources(
  cluster: AuroraCluster,
  opts: DesiredResourcesOptions = {},
): KubernetesObject[] {
  return [
    buildLogInitConfigMap(cluster, opts.logInitAllowed ?? isLogInitAllowed(cluster)),
    buildHeadlessService(cluster),
    buildClientService(cluster),
    buildPodDisruptionBudget(cluster),
    buildStatefulSet(cluster, {
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
    }),
  ];
}
