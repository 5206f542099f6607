// Pure statistics of the fleet benchmark: percentiles and the scheduler share of a cluster's time to Ready.

/** nearest-rank percentile (p in 0..100) of the values; NaN when there are none */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

export interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export interface TimedObject {
  metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string> };
  status?: { conditions?: Condition[] };
}

export interface ClusterTiming {
  name: string;
  /** CR creation to the cluster's Ready condition, seconds */
  totalSeconds: number;
  /** first scheduler pod's creation to the last pod's Ready condition, seconds */
  schedulerSeconds: number;
  /** schedulerSeconds / totalSeconds, clamped to 0..1 */
  share: number;
}

function readySince(obj: TimedObject): number | undefined {
  const c = obj.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime === undefined ? undefined : Date.parse(c.lastTransitionTime);
}

function created(obj: TimedObject): number | undefined {
  const t = obj.metadata.creationTimestamp;
  return t === undefined ? undefined : Date.parse(t);
}

/** timing of one Ready cluster from its object and its scheduler pods; undefined when not Ready or pods are not */
export function clusterTiming(cluster: TimedObject, pods: readonly TimedObject[]): ClusterTiming | undefined {
  const start = created(cluster);
  const ready = readySince(cluster);
  const podStarts = pods.map(created);
  const podReadies = pods.map(readySince);
  if (start === undefined || ready === undefined || pods.length === 0) return undefined;
  if (podStarts.includes(undefined) || podReadies.includes(undefined)) return undefined;
  const firstPod = Math.min(...(podStarts as number[]));
  const lastReady = Math.max(...(podReadies as number[]));
  const totalSeconds = (ready - start) / 1000;
  const schedulerSeconds = Math.max(0, (lastReady - firstPod) / 1000);
  // timestamps have one-second resolution: a cluster Ready within its creation second counts as all scheduler time
  const share = totalSeconds <= 0 ? 1 : Math.min(1, schedulerSeconds / totalSeconds);
  return { name: cluster.metadata.name, totalSeconds, schedulerSeconds, share };
}
