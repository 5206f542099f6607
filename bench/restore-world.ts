// Records what the world did during a restore, independently of the operator: pod lifecycles from a watch,
// scheduler milestones (log recovered, leading, framework registered) from their own endpoints, ZooKeeper sessions.
import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { API_VERSION, AURORA_CLUSTER } from '../src/api/group.ts';
import { createAuroraAdminClient } from '../src/aurora/admin-client.ts';
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
  /** a bounded storage read first answered on this leader (Aurora refuses it until its log writer is elected) */
  storageReadyMs?: number;
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
  /** the backup agent answers /healthz: the operator reads the pod's markers through it */
  agentUpMs?: number;
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
  agentPort: number;
  pollMs: number;
}

export interface WorldRecorder {
  /** stops recording and turns what was seen into intervals */
  stop(): Promise<WorldInterval[]>;
  trace: TraceEntry[];
  /** what the ZooKeeper poll saw, so that "no stale session" is not mistaken for "nothing polled" */
  zkSummary(): string;
}

const ms = (t: Date | string | undefined): number | undefined => (t ? new Date(t).getTime() : undefined);

/** A world transition as it reached the API server's watch, for the trace printed with --trace. */
export interface TraceEntry {
  atMs: number;
  subject: string;
  what: string;
}

function observePod(pods: Map<string, PodRecord>, pod: V1Pod, deleted: boolean, trace: TraceEntry[]): void {
  const now = Date.now();
  const uid = pod.metadata?.uid ?? '';
  const name = pod.metadata?.name ?? '';
  const note = (what: string): void => void trace.push({ atMs: now, subject: name, what });
  let r = pods.get(uid);
  if (!r) {
    // creationTimestamp has whole seconds only; the watch event's arrival is the precise creation time
    const created = ms(pod.metadata?.creationTimestamp) ?? now;
    r = { name, createdMs: now - created > 2000 ? created : now, incarnations: new Map() };
    pods.set(uid, r);
    note('created');
  }
  if (pod.status?.podIP) r.ip = pod.status.podIP;
  if (pod.metadata?.deletionTimestamp && r.deletionMs === undefined) {
    r.deletionMs = now;
    note('deletion requested');
  }
  if (deleted && r.goneMs === undefined) {
    r.goneMs = now;
    note('gone');
  }
  const statuses = pod.status?.containerStatuses ?? [];
  const running = statuses.length > 0 && statuses.every((c) => c.state?.running);
  // the pod is up for whoever watches it once its status says Running with every container running
  if (pod.status?.phase === 'Running' && running && r.runningMs === undefined) {
    r.runningMs = now;
    note('Running, all containers running');
  }
  const sched = statuses.find((c) => c.name === SCHEDULER_CONTAINER);
  const startedAt = sched?.state?.running?.startedAt;
  if (!startedAt) return;
  const key = String(startedAt);
  let inc = r.incarnations.get(key);
  if (!inc) {
    inc = { startedMs: ms(startedAt) ?? now };
    const previousEnd = ms(sched.lastState?.terminated?.finishedAt);
    if (r.current !== undefined && previousEnd !== undefined && previousEnd <= inc.startedMs) {
      inc.previousEndMs = previousEnd;
      note(`scheduler restarted (exited ${((inc.startedMs - previousEnd) / 1000).toFixed(1)} s before)`);
    }
    r.incarnations.set(key, inc);
    r.current = key;
  }
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (ready && inc.readyMs === undefined) {
    inc.readyMs = now;
    note('Ready');
  }
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
    add('pod-start', p.createdMs, p.agentUpMs, p.name);
    for (const inc of p.incarnations.values()) {
      add('pod-start', inc.previousEndMs, inc.startedMs, p.name);
      add('log-recovery', inc.startedMs, inc.logRecoveredMs, p.name);
      add('leader-election', inc.startedMs, inc.leaderMs, p.name);
      add('storage-ready', inc.leaderMs, inc.storageReadyMs, p.name);
      add('framework-registration', inc.leaderMs, inc.registeredMs, p.name);
      add('ready-probe', inc.startedMs, inc.readyMs, p.name);
    }
  }
  return out;
}

/** storageAnswers: the same bounded read the operator sends before stageRecovery and commitRecovery. */
async function storageAnswers(ip: string, httpPort: number): Promise<boolean> {
  // like the operator's client: a partially disabled leader has no member_ node, and the redirect would find none
  const admin = createAuroraAdminClient({
    baseUrl: `http://${ip}:${httpPort}`,
    timeoutMs: 1000,
    bypassLeaderRedirect: true,
  });
  return admin.getTasksWithoutConfigs({ limit: 1 }).then(
    () => true,
    () => false,
  );
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

interface ClusterView {
  status?: {
    conditions?: { type: string; status: string }[];
    lock?: { restore?: string };
  };
}

/** watchCluster: the cluster controller's part of a step's wait (lock acknowledged, Ready), as its status shows it. */
async function watchCluster(
  kc: KubeConfig,
  opts: WorldOptions,
  trace: TraceEntry[],
  stopped: () => boolean,
): Promise<{ abort(): void }> {
  let ready: boolean | undefined;
  let lock: string | undefined;
  let current: AbortController | undefined;
  const start = async (): Promise<void> => {
    current = await new Watch(kc).watch(
      `/apis/${API_VERSION}/namespaces/${opts.namespace}/${AURORA_CLUSTER.plural}`,
      { fieldSelector: `metadata.name=${opts.cluster}` },
      (_phase, obj: ClusterView) => {
        const nowReady =
          obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        const nowLock = obj.status?.lock?.restore;
        const atMs = Date.now();
        if (ready !== undefined && nowReady !== ready)
          trace.push({ atMs, subject: 'cluster', what: nowReady ? 'Ready' : 'not Ready' });
        if (nowLock !== lock)
          trace.push({ atMs, subject: 'cluster', what: nowLock ? 'lock acknowledged' : 'lock released' });
        ready = nowReady;
        lock = nowLock;
      },
      () => {
        if (!stopped()) void start();
      },
    );
  };
  await start();
  return { abort: () => current?.abort() };
}

export async function recordWorld(opts: WorldOptions): Promise<WorldRecorder> {
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfigPath);
  const pods = new Map<string, PodRecord>();
  const trace: TraceEntry[] = [];
  let stopped = false;
  let abort: AbortController | undefined;
  const startWatch = async (): Promise<void> => {
    abort = await new Watch(kc).watch(
      `/api/v1/namespaces/${opts.namespace}/pods`,
      { labelSelector: `app.kubernetes.io/instance=${opts.cluster}` },
      (phase, obj: V1Pod) => observePod(pods, obj, phase === 'DELETED', trace),
      () => {
        // the server ends watches now and then; a restarted watch lists the pods again as ADDED
        if (!stopped) void startWatch();
      },
    );
  };
  await startWatch();
  const clusterAbort = await watchCluster(kc, opts, trace, () => stopped);
  const zk = await pollZooKeeper(opts.zookeeper, opts.zkPaths, opts.pollMs);
  const probeLoop = (async () => {
    while (!stopped) {
      const sentMs = Date.now();
      await Promise.all(
        [...pods.values()].map(async (p) => {
          if (!p.ip || p.goneMs !== undefined || p.deletionMs !== undefined) return;
          if (p.agentUpMs === undefined) {
            const url = `http://${p.ip}:${opts.agentPort}/healthz`;
            const up = await fetch(url, { signal: AbortSignal.timeout(1000) })
              .then((r) => r.ok)
              .catch(() => false);
            if (up) {
              p.agentUpMs = sentMs;
              trace.push({ atMs: sentMs, subject: p.name, what: 'backup agent answers' });
            }
          }
          const inc = p.current ? p.incarnations.get(p.current) : undefined;
          if (!inc) return;
          const host = { host: p.ip, httpPort: opts.httpPort, libprocessPort: opts.libprocessPort };
          const probe = await probeScheduler(host, 1000).catch(() => undefined);
          // the milestone happened between the previous probe and this one; the send time bounds it within pollMs
          const seen = (
            field: 'logRecoveredMs' | 'leaderMs' | 'storageReadyMs' | 'registeredMs',
            what: string,
          ): void => {
            if (inc[field] !== undefined) return;
            inc[field] = sentMs;
            trace.push({ atMs: sentMs, subject: p.name, what });
          };
          if (probe?.logRecovered) seen('logRecoveredMs', 'log recovered');
          const lifecycle = probe?.lifecycle;
          if (lifecycle === 'LEADER_AWAITING_REGISTRATION' || lifecycle === 'ACTIVE')
            seen('leaderMs', `leading (${lifecycle})`);
          if (inc.leaderMs !== undefined && inc.storageReadyMs === undefined) {
            if (await storageAnswers(p.ip, opts.httpPort)) seen('storageReadyMs', 'storage READY');
          }
          if (probe?.frameworkRegistered) seen('registeredMs', 'framework registered');
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, opts.pollMs - (Date.now() - sentMs))));
    }
  })();
  let summary = 'ZooKeeper not polled';
  return {
    trace,
    zkSummary: () => summary,
    async stop() {
      stopped = true;
      abort?.abort();
      clusterAbort.abort();
      await probeLoop;
      const sightings = zk.stop();
      const end = Date.now();
      const zkIntervals = staleSessions(sightings, endedProcesses(pods), opts.pollMs).map((s) => ({
        kind: 'zk-session-expiry' as const,
        ...s,
      }));
      const sessions = new Set(sightings.map((s) => s.owner)).size;
      summary =
        `ZooKeeper: ${sightings.length} ephemeral nodes of ${sessions} sessions seen under ` +
        `${opts.zkPaths.join(', ')}; ${zkIntervals.length} outlived their scheduler`;
      return [...intervalsOf(pods, end), ...zkIntervals];
    },
  };
}
