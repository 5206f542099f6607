// Reads the durable evidence of an initialized replicated log (ZooKeeper marker, log PVCs) and writes it:
// the claim before log-init is allowed, the initialized marker and the PVC annotations once replicas recovered.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { AuroraCluster } from '../api/aurora-cluster.ts';
import { LOG_INITIALIZED_ANNOTATION } from '../api/contracts.ts';
import { initMarkerPath, type InitMarkerStore } from '../aurora/init-marker-store.ts';
import type { ZooKeeperTarget } from '../aurora/serverset.ts';
import { isNotFound } from '../k8s/errors.ts';
import type { KubeClient } from '../k8s/kube-client.ts';
import type { Logger } from '../log.ts';
import { LOG_VOLUME, statefulSetName } from '../resources/names.ts';
import type { LogClaimView, LogInitEvidence, LogInitPlan } from './plan-log-init.ts';

export interface LogInitGuardDeps {
  initMarkers: InitMarkerStore;
  /** the PVCs of one cluster's StatefulSet, e.g. from an informer cache */
  logClaims(namespace: string, cluster: string): V1PersistentVolumeClaim[];
  digestCredentials(cluster: AuroraCluster): Promise<string | undefined>;
  kube: KubeClient;
  log: Logger;
  now(): Date;
  /** the Kubernetes cluster the operator runs in, recorded in markers; undefined when it cannot be read */
  kubernetesCluster?: string | undefined;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** toLogClaims keeps the `log-<cluster>-<ordinal>` claims; backups PVCs and other clusters' claims are ignored. */
export function toLogClaims(
  cluster: AuroraCluster,
  pvcs: readonly V1PersistentVolumeClaim[],
): LogClaimView[] {
  const prefix = `${LOG_VOLUME}-${statefulSetName(cluster)}-`;
  const views: LogClaimView[] = [];
  for (const pvc of pvcs) {
    const name = pvc.metadata?.name ?? '';
    const ordinal = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (!/^\d+$/.test(ordinal)) continue;
    views.push({
      name,
      ordinal: Number(ordinal),
      createdAt: toDate(pvc.metadata?.creationTimestamp),
      initializedAt: pvc.metadata?.annotations?.[LOG_INITIALIZED_ANNOTATION],
      deleting: pvc.metadata?.deletionTimestamp !== undefined && pvc.metadata.deletionTimestamp !== null,
    });
  }
  return views.sort((a, b) => a.ordinal - b.ordinal);
}

// the log group path is not chrooted (the native log ignores -zk_chroot_path), so neither is its marker
async function markerTarget(cluster: AuroraCluster, deps: LogInitGuardDeps): Promise<ZooKeeperTarget> {
  return {
    endpoints: cluster.spec.zookeeper.endpoints,
    digestCredentials: await deps.digestCredentials(cluster),
  };
}

/** observeLogInitEvidence only reads; an unreachable ZooKeeper is reported as an unreadable marker, not thrown. */
export async function observeLogInitEvidence(
  cluster: AuroraCluster,
  deps: LogInitGuardDeps,
): Promise<LogInitEvidence> {
  const namespace = cluster.metadata.namespace ?? 'default';
  const markerPath = initMarkerPath(cluster.spec.replicatedLog.zkGroupPath);
  const claims = toLogClaims(cluster, deps.logClaims(namespace, cluster.metadata.name));
  const base = { markerPath, claims, kubernetesCluster: deps.kubernetesCluster };
  try {
    return { ...base, marker: await deps.initMarkers.read(await markerTarget(cluster, deps), markerPath) };
  } catch (err) {
    return { ...base, marker: { kind: 'unreadable', error: errorText(err) } };
  }
}

async function annotateClaims(cluster: AuroraCluster, names: readonly string[], deps: LogInitGuardDeps) {
  const namespace = cluster.metadata.namespace ?? 'default';
  const at = deps.now().toISOString();
  for (const name of names) {
    const ref = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name };
    try {
      await deps.kube.mergePatch(ref, { metadata: { annotations: { [LOG_INITIALIZED_ANNOTATION]: at } } });
      deps.log.info({ pvc: name }, 'Annotated log PersistentVolumeClaim as holding an initialized log');
    } catch (err) {
      if (!isNotFound(err)) deps.log.warn({ pvc: name, err: errorText(err) }, 'Could not annotate log PVC');
    }
  }
}

/**
 * ensureLogInitEvidence performs the plan's writes and returns what the `allowed` switch may say: a planned
 * claim must have been created by this pass, so two writers never both switch log-init on.
 */
export async function ensureLogInitEvidence(
  cluster: AuroraCluster,
  plan: LogInitPlan,
  deps: LogInitGuardDeps,
): Promise<boolean> {
  await annotateClaims(cluster, plan.annotate, deps);
  if (!plan.allowed && !plan.markInitialized) return false;
  const path = initMarkerPath(cluster.spec.replicatedLog.zkGroupPath);
  try {
    const target = await markerTarget(cluster, deps);
    if (plan.markInitialized) {
      const { marker, version } = plan.markInitialized;
      const written = await deps.initMarkers.markInitialized(target, path, marker, version);
      if (written) deps.log.info({ marker: path }, 'Recorded the replicated log as initialized in ZooKeeper');
    }
    if (!plan.allowed || !plan.claim) return plan.allowed;
    const claimed = await deps.initMarkers.claim(target, path, plan.claim);
    if (claimed)
      deps.log.info({ marker: path }, 'Claimed the replicated log for initialization in ZooKeeper');
    else deps.log.warn({ marker: path }, 'Another writer created the initialization marker first');
    return claimed;
  } catch (err) {
    deps.log.warn({ marker: path, err: errorText(err) }, 'Could not write the initialization marker');
    return false;
  }
}
