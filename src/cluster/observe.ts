// Reads everything a reconcile pass needs about one cluster, from informer caches and Aurora's own endpoints.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import { probeScheduler, type SchedulerProbe } from '../aurora/scheduler-probe.ts';
import type { ServersetReader } from '../aurora/serverset.ts';
import { collectSignals } from '../diagnostics/collect-signals.ts';
import { LEADER_ROLE, ROLE_LABEL } from '../resources/names.ts';
import type { ObservedCluster, ObservedPod } from './observed.ts';

export interface ObserveDeps {
  statefulSet(namespace: string, name: string): V1StatefulSet | undefined;
  pods(namespace: string, cluster: string): V1Pod[];
  serverset: ServersetReader;
  limit: Limiter;
  probeTimeoutMs: number;
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
}

function ordinalOf(name: string): number {
  const match = /-(\d+)$/.exec(name);
  return match ? Number(match[1]) : -1;
}

export function toObservedPod(pod: V1Pod): ObservedPod {
  const scheduler = pod.status?.containerStatuses?.find((c) => c.name === 'scheduler');
  const observed: ObservedPod = {
    name: pod.metadata?.name ?? '',
    ordinal: ordinalOf(pod.metadata?.name ?? ''),
    uid: pod.metadata?.uid ?? '',
    phase: pod.status?.phase ?? 'Pending',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    restarts: scheduler?.restartCount ?? 0,
    leaderLabel: pod.metadata?.labels?.[ROLE_LABEL] === LEADER_ROLE,
  };
  const ip = pod.status?.podIP;
  const revision = pod.metadata?.labels?.['controller-revision-hash'];
  const exitCode = scheduler?.lastState?.terminated?.exitCode;
  const waiting = scheduler?.state?.waiting?.reason;
  if (ip) observed.podIP = ip;
  if (revision) observed.revision = revision;
  if (exitCode !== undefined) observed.lastExitCode = exitCode;
  if (waiting) observed.waitingReason = waiting;
  const running = scheduler?.state?.running?.startedAt;
  if (running) observed.startedAt = new Date(running).toISOString();
  const last = scheduler?.lastState?.terminated;
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

export async function observeCluster(cluster: AuroraCluster, deps: ObserveDeps): Promise<ObservedCluster> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const sts = deps.statefulSet(namespace, name);
  const pods = deps
    .pods(namespace, name)
    .map(toObservedPod)
    .sort((a, b) => a.ordinal - b.ordinal);
  const { httpPort, libprocessPort } = cluster.spec;
  const probes = await Promise.all(
    pods.map((pod) =>
      pod.podIP && !pod.deleting
        ? deps.limit(() =>
            probeScheduler({ host: pod.podIP ?? '', httpPort, libprocessPort }, deps.probeTimeoutMs),
          )
        : Promise.resolve<SchedulerProbe | undefined>(undefined),
    ),
  );
  pods.forEach((pod, i) => {
    const probe = probes[i];
    if (probe) pod.probe = probe;
  });
  const serverset: ObservedCluster['serverset'] = { members: [] };
  try {
    const { endpoints, chrootPath } = cluster.spec.zookeeper;
    const digestCredentials = await deps.digestCredentials(cluster);
    serverset.members = await deps.limit(() =>
      deps.serverset.readMembers({ endpoints, chrootPath, digestCredentials }, cluster.spec.serversetPath),
    );
  } catch (err) {
    serverset.error = err instanceof Error ? err.message : String(err);
  }
  const diagnostics = await collectSignals({
    pods: pods
      .filter((p) => !p.deleting)
      .map((p) => ({
        name: p.name,
        ...(p.podIP ? { podIP: p.podIP } : {}),
        // Thrift reads need READY storage, which only an ACTIVE leader has
        leading: p.probe?.leaderHealth === 'leading' && p.probe.lifecycle === 'ACTIVE',
      })),
    members: serverset.members,
    httpPort,
    libprocessPort,
    limit: deps.limit,
    timeoutMs: deps.probeTimeoutMs,
  });
  return {
    statefulSet: {
      exists: sts !== undefined,
      ...(sts?.spec?.replicas !== undefined ? { replicas: sts.spec.replicas } : {}),
      ...(sts?.status?.updateRevision ? { updateRevision: sts.status.updateRevision } : {}),
      ...(sts?.metadata?.resourceVersion ? { resourceVersion: sts.metadata.resourceVersion } : {}),
    },
    pods,
    serverset,
    diagnostics,
  };
}
