// The operator's settings, read once from the environment in main.ts and validated here.
import { z } from 'zod';

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const Int = z.coerce.number().int().positive();

export const OperatorConfig = z.object({
  /** empty: every namespace (needs the ClusterRole); otherwise only these, each covered by its own Role */
  watchNamespaces: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .max(63),
    )
    .default([]),
  podNamespace: z.string().default('default'),
  podName: z.string().default(`aurora-operator-${process.pid}`),
  listenHost: z.string().default('0.0.0.0'),
  httpPort: Int.default(8080),
  leaderElect: Bool.default(true),
  leaseName: z.string().default('aurora-operator-leader'),
  operatorName: z.string().default('aurora-operator'),
  // names this Kubernetes cluster in ZooKeeper markers; the kube-system namespace UID when unset
  kubernetesClusterId: z.string().optional(),
  probeConcurrency: Int.default(16),
  probeTimeoutMs: Int.default(2000),
  readyRequeueMs: Int.default(30_000),
  notReadyRequeueMs: Int.default(5000),
  workers: Int.default(4),
  restoreRequeueMs: Int.default(1000),
  rpcTimeoutMs: Int.default(30_000),
});

export type OperatorConfig = z.infer<typeof OperatorConfig>;

/** watchNamespacesOf merges the comma-separated list with the older single-namespace variable, in order. */
export function watchNamespacesOf(list: string | undefined, single: string | undefined): string[] {
  const names = [...(list ?? '').split(','), single ?? ''].map((n) => n.trim()).filter(Boolean);
  return [...new Set(names)];
}

export function loadConfig(env: NodeJS.ProcessEnv): OperatorConfig {
  const pick = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  return OperatorConfig.parse({
    watchNamespaces: watchNamespacesOf(pick('WATCH_NAMESPACES'), pick('WATCH_NAMESPACE')),
    podNamespace: pick('POD_NAMESPACE'),
    podName: pick('POD_NAME'),
    listenHost: pick('LISTEN_HOST'),
    httpPort: pick('HTTP_PORT'),
    leaderElect: pick('LEADER_ELECT'),
    leaseName: pick('LEASE_NAME'),
    operatorName: pick('OPERATOR_NAME'),
    kubernetesClusterId: pick('KUBERNETES_CLUSTER_ID'),
    probeConcurrency: pick('PROBE_CONCURRENCY'),
    probeTimeoutMs: pick('PROBE_TIMEOUT_MS'),
    readyRequeueMs: pick('READY_REQUEUE_MS'),
    notReadyRequeueMs: pick('NOT_READY_REQUEUE_MS'),
    workers: pick('WORKERS'),
    restoreRequeueMs: pick('RESTORE_REQUEUE_MS'),
    rpcTimeoutMs: pick('AURORA_RPC_TIMEOUT_MS'),
  });
}
