// The benchmark's AuroraClusters: N distinct clusters on the environment's ZooKeeper, created in one request
// batch, waited for until Ready, and their timings read back from the objects' own timestamps.
import { setTimeout as sleep } from 'node:timers/promises';
import { API_VERSION } from '../src/api/group.ts';
import { CLUSTER_LABEL } from '../src/resources/names.ts';
import type { FleetEnv } from './fleet-env.ts';
import { clusterTiming, type ClusterTiming, type TimedObject } from './fleet-stats.ts';

export const NAMESPACE = 'fleet';

export function clusterName(i: number): string {
  return `fleet-${String(i).padStart(3, '0')}`;
}

export function serversetPath(name: string): string {
  return `/bench/${name}/scheduler`;
}

/** one cluster with its own serverset and log group; backups and snapshots far apart so none lands in a window */
export function clusterManifest(name: string, replicas: number, zookeeper: string): object {
  return {
    apiVersion: API_VERSION,
    kind: 'AuroraCluster',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      clusterName: name,
      replicas,
      image: 'aurora-scheduler:0.22.0',
      zookeeper: { endpoints: [zookeeper], sessionTimeout: '15secs' },
      serversetPath: serversetPath(name),
      mesos: { masterAddress: `zk://${zookeeper}/mesos`, maxRegistrationDelay: '1mins' },
      replicatedLog: {
        zkGroupPath: `/bench/${name}/replicated-log`,
        storage: { size: '1Gi' },
        snapshotInterval: '6hrs',
      },
      backup: { interval: '6hrs', storage: { size: '1Gi' } },
      thermosExecutor: {
        path: '/usr/share/aurora/bin/thermos_executor.pex',
        flags: `--announcer-ensemble ${zookeeper}`,
      },
    },
  };
}

/** creates every cluster with one kubectl call and returns their names */
export async function createClusters(env: FleetEnv, n: number, replicas: number): Promise<string[]> {
  await env.kubectl(['create', 'namespace', NAMESPACE]);
  const names = Array.from({ length: n }, (_, i) => clusterName(i));
  const items = names.map((name) => clusterManifest(name, replicas, env.state.zookeeper));
  await env.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return names;
}

interface ClusterObject extends TimedObject {
  metadata: TimedObject['metadata'] & { resourceVersion?: string };
  status?: TimedObject['status'] & { leader?: string };
}

async function listOf<T>(env: FleetEnv, args: readonly string[]): Promise<T[]> {
  return (JSON.parse(await env.kubectl(['-n', NAMESPACE, 'get', ...args, '-o', 'json'])) as { items: T[] })
    .items;
}

export const listClusters = (env: FleetEnv): Promise<ClusterObject[]> => listOf(env, ['auroraclusters']);

function isReady(c: ClusterObject): boolean {
  return c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
}

/** polls until every cluster is Ready or the timeout passes; returns the names Ready at the end */
export async function waitAllReady(env: FleetEnv, n: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let ready: string[] = [];
  while (Date.now() < deadline) {
    ready = (await listClusters(env).catch(() => [])).filter(isReady).map((c) => c.metadata.name);
    if (ready.length >= n) return ready;
    await sleep(2000);
  }
  return ready;
}

/** timings of every Ready cluster from its object and its scheduler pods */
export async function readTimings(env: FleetEnv): Promise<ClusterTiming[]> {
  const [clusters, pods] = await Promise.all([listClusters(env), listOf<TimedObject>(env, ['pods'])]);
  return clusters.flatMap((c) => {
    const own = pods.filter((p) => p.metadata.labels?.[CLUSTER_LABEL] === c.metadata.name);
    const t = clusterTiming(c, own);
    return t ? [t] : [];
  });
}

/** waits until no cluster object (status included) changed for quietMs, or maxMs passed; returns the wait */
export async function waitSettled(env: FleetEnv, quietMs: number, maxMs: number): Promise<number> {
  const start = Date.now();
  const versions = async (): Promise<string> =>
    (await listClusters(env)).map((c) => c.metadata.resourceVersion ?? '').join(',');
  let last = await versions();
  let stableSince = Date.now();
  while (Date.now() - stableSince < quietMs && Date.now() - start < maxMs) {
    await sleep(2000);
    const now = await versions();
    if (now !== last) [last, stableSince] = [now, Date.now()];
  }
  return Date.now() - start;
}

export async function leaderOf(env: FleetEnv, name: string): Promise<string> {
  return env.kubectl(['-n', NAMESPACE, 'get', 'auroracluster', name, '-o', 'jsonpath={.status.leader}']);
}
