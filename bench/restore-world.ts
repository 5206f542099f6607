// Records what the world did during a restore, independently of the operator: pod lifecycles from a watch,
// scheduler milestones (log recovered, leading, framework registered) from their own endpoints, ZooKeeper sessions.
import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { probeScheduler } from '../src/aurora/scheduler-probe.ts';
import { SCHEDULER_CONTAINER } from '../src/resources/names.ts';
import type { WorldInterval } from './restore-breakdown.ts';
import { pollZooKeeper, staleSessions } from './restore-zk.ts';

/** One run of the scheduler container: from its start to the milestones it reached. */
interface Incarnation {
  startedMs: number;
  /** the previous run's exit, when the container restarted in the same pod */
  previousEndMs?: number;
  logRecoveredMs?: number;
  leaderMs?: number;
  registeredMs?: number;
  readyMs?: number;
}

interface PodRecord {
  name: string;
  ip?: string;
  createdMs: number;
  deletionMs?: number;
  goneMs?: number;
  /** all app containers running */
  runningMs?: number;
  incarnations: Map<string, Incarnation>;
  current?: string;
}

export interface WorldOptions {
  kubeconfigPath: string;
  namespace: string;
  cluster: string;
  zookeeper: string;
  zkPaths: readonly string[];
  httpPort: number;
  libprocessPort: number;
  pollMs: number;
}

export interface WorldRecorder {
  /** stops recording and turns what was seen into intervals */
  stop(): Promise<WorldInterval[]>;
}

const ms = (t: Date | string | undefined): number | undefined => (t ? new Date(t).getTime() : undefined);

function observePod(pods: Map<string, PodRecord>, pod: V1Pod, deleted: boolean): void {
  const uid = pod.metadata?.uid ?? '';
  const r: PodRecord = pods.get(uid) ?? {
    name: pod.metadata?.name ?? '',
    createdMs: ms(pod.metadata?.creationTimestamp) ?? Date.now(),
    incarnations: new Map(),
  };
  pods.set(uid, r);
  if (pod.status?.podIP) r.ip = pod.status.podIP;
  const deletionMs = ms(pod.metadata?.deletionTimestamp);
  if (deletionMs !== undefined) r.deletionMs ??= deletionMs;
  if (deleted) r.goneMs ??= Date.now();
  const statuses = pod.status?.containerStatuses ?? [];
  const started = statuses.map((c) => ms(c.state?.running?.startedAt));
  if (statuses.length > 0 && started.every((t) => t !== undefined)) r.runningMs ??= Math.max(...started);
  const sched = statuses.find((c) => c.name === SCHEDULER_CONTAINER);
  const startedAt = sched?.state?.running?.startedAt;
  if (!startedAt) return;
  const key = String(startedAt);
  const inc: Incarnation = r.incarnations.get(key) ?? { startedMs: ms(startedAt) ?? Date.now() };
  const previousEnd = ms(sched.lastState?.terminated?.finishedAt);
  if (previousEnd !== undefined && previousEnd <= inc.startedMs) inc.previousEndMs ??= previousEnd;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  const readyMs = ms(ready?.lastTransitionTime);
  if (readyMs !== undefined && readyMs >= inc.startedMs - 1000) inc.readyMs ??= readyMs;
  r.incarnations.set(key, inc);
  r.current = key;
}

function intervalsOf(pods: Map<string, PodRecord>, endMs: number): WorldInterval[] {
  const out: WorldInterval[] = [];
  const add = (
    kind: WorldInterval['kind'],
    a: number | undefined,
    b: number | undefined,
    subject: string,
  ) => {
    if (a !== undefined && b !== undefined && b > a) out.push({ kind, startMs: a, endMs: b, subject });
  };
  for (const p of pods.values()) {
    if (p.deletionMs !== undefined) add('pod-stop', p.deletionMs, p.goneMs ?? endMs, p.name);
    add('pod-start', p.createdMs, p.runningMs, p.name);
    for (const inc of p.incarnations.values()) {
      add('pod-start', inc.previousEndMs, inc.startedMs, p.name);
      add('log-recovery', inc.startedMs, inc.logRecoveredMs, p.name);
      add('leader-election', inc.startedMs, inc.leaderMs, p.name);
      add('framework-registration', inc.leaderMs, inc.registeredMs, p.name);
      add('ready-probe', inc.startedMs, inc.readyMs, p.name);
    }
  }
  return out;
}

/** ended: every scheduler process end seen (pod gone, or container restarted), for the ZooKeeper session check. */
function endedProcesses(pods: Map<string, PodRecord>) {
  return [...pods.values()].flatMap((p) => {
    if (!p.ip) return [];
    const restarts = [...p.incarnations.values()].flatMap((i) =>
      i.previousEndMs !== undefined ? [{ ip: p.ip!, endedMs: i.previousEndMs, subject: p.name }] : [],
    );
    return p.goneMs !== undefined
      ? [...restarts, { ip: p.ip, endedMs: p.goneMs, subject: p.name }]
      : restarts;
  });
}

export async function recordWorld(opts: WorldOptions): Promise<WorldRecorder> {
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfigPath);
  const pods = new Map<string, PodRecord>();
  let stopped = false;
  let abort: AbortController | undefined;
  const startWatch = async (): Promise<void> => {
    abort = await new Watch(kc).watch(
      `/api/v1/namespaces/${opts.namespace}/pods`,
      { labelSelector: `app.kubernetes.io/instance=${opts.cluster}` },
      (phase, obj: V1Pod) => observePod(pods, obj, phase === 'DELETED'),
      () => {
        // the server ends watches now and then; a restarted watch lists the pods again as ADDED
        if (!stopped) void startWatch();
      },
    );
  };
  await startWatch();
  const zk = await pollZooKeeper(opts.zookeeper, opts.zkPaths, opts.pollMs);
  const probeLoop = (async () => {
    while (!stopped) {
      const sentMs = Date.now();
      await Promise.all(
        [...pods.values()].map(async (p) => {
          const inc = p.current ? p.incarnations.get(p.current) : undefined;
          if (!p.ip || !inc || p.goneMs !== undefined) return;
          const host = { host: p.ip, httpPort: opts.httpPort, libprocessPort: opts.libprocessPort };
          const probe = await probeScheduler(host, 1000).catch(() => undefined);
          // the milestone happened between the previous probe and this one; the send time bounds it within pollMs
          if (probe?.logRecovered) inc.logRecoveredMs ??= sentMs;
          const leading =
            probe?.lifecycle === 'LEADER_AWAITING_REGISTRATION' || probe?.lifecycle === 'ACTIVE';
          if (leading) inc.leaderMs ??= sentMs;
          if (probe?.frameworkRegistered) inc.registeredMs ??= sentMs;
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, opts.pollMs - (Date.now() - sentMs))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      abort?.abort();
      await probeLoop;
      const sightings = zk.stop();
      const end = Date.now();
      const zkIntervals = staleSessions(sightings, endedProcesses(pods), opts.pollMs).map((s) => ({
        kind: 'zk-session-expiry' as const,
        ...s,
      }));
      return [...intervalsOf(pods, end), ...zkIntervals];
    },
  };
}
