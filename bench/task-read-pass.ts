// One operator pass over the bench leader through observeCluster, as the cluster reconciler calls it: the probe
// reads /vars, planTaskRead decides, collectSignals reads; a dispatcher in front of undici sees every call it makes.
import { performance } from 'node:perf_hooks';
import type { V1Pod } from '@kubernetes/client-node';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { parseDuration } from '../src/api/duration.ts';
import { createLimiter } from '../src/aurora/concurrency-limit.ts';
import type { TaskStoreCounts } from '../src/aurora/task-store-vars.ts';
import { observeCluster } from '../src/cluster/observe.ts';
import { executorHealthy } from '../src/diagnostics/executor-health.ts';
import { planTaskRead, type TaskRead } from '../src/diagnostics/task-read-plan.ts';
import { syntheticCluster } from './fleet-fixtures.ts';

/** the operator's defaults (src/config.ts): probe timeout and probe concurrency */
const PROBE_TIMEOUT_MS = 2000;
const PROBE_CONCURRENCY = 16;

export interface PassMeasure {
  passMs: number;
  /** getTasksWithoutConfigs calls the pass sent */
  reads: number;
  counts?: TaskStoreCounts;
  /** what collectSignals planned from the same counts and probe timeout */
  plan?: TaskRead;
  /** request sent to last response byte of the task read (what its timeout bounds) */
  readMs?: number;
  responseBytes?: number;
  tasksRead?: number;
  /** heapUsed at its highest sample (response end, pass end) above the collected heap before the pass */
  heapGrowthBytes: number;
  /** the ExecutorHealthy reason the pass's observation gives */
  reason: string;
  error?: string;
}

interface ReadSeen {
  reads: number;
  startedAt?: number;
  endedAt?: number;
  bytes: number;
  heapPeak: number;
}

// forwards every callback; counts the task read's response bytes and when its last byte came
function watching(handler: Dispatcher.DispatchHandler, seen: ReadSeen): Dispatcher.DispatchHandler {
  return {
    onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
    onRequestUpgrade: (c, code, headers, socket) => handler.onRequestUpgrade?.(c, code, headers, socket),
    onResponseStart: (c, code, headers, message) => handler.onResponseStart?.(c, code, headers, message),
    onResponseData: (c, chunk) => {
      seen.bytes += chunk.length;
      handler.onResponseData?.(c, chunk);
    },
    onResponseEnd: (c, trailers) => {
      seen.endedAt = performance.now();
      seen.heapPeak = Math.max(seen.heapPeak, process.memoryUsage().heapUsed);
      handler.onResponseEnd?.(c, trailers);
    },
    onResponseError: (c, err) => handler.onResponseError?.(c, err),
  };
}

function countingDispatcher(seen: ReadSeen): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    // the admin client sends its TJSON request as one buffer; the method name is in its first bytes
    const body = opts.body instanceof Uint8Array || typeof opts.body === 'string' ? opts.body : '';
    if (!Buffer.from(body.slice(0, 200)).includes('"getTasksWithoutConfigs"')) return dispatch(opts, handler);
    seen.reads++;
    seen.startedAt = performance.now();
    return dispatch(opts, watching(handler, seen));
  });
}

function leaderPod(ip: string): V1Pod {
  return {
    metadata: { name: 'bench-0', uid: 'bench-0' },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'scheduler', ready: true, restartCount: 0, image: 'aurora', imageID: '', state: {} },
      ],
    },
  };
}

/** runPass makes one observation of the cluster whose only pod is the scheduler on ip, and measures its reads. */
export async function runPass(ip: string): Promise<PassMeasure> {
  const cluster = syntheticCluster(0);
  const seen: ReadSeen = { reads: 0, bytes: 0, heapPeak: 0 };
  const previous = getGlobalDispatcher();
  const dispatcher = countingDispatcher(seen);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  setGlobalDispatcher(dispatcher);
  const start = performance.now();
  let observed;
  try {
    observed = await observeCluster(cluster, {
      statefulSet: () => undefined,
      pods: () => [leaderPod(ip)],
      serverset: { readMembers: async () => [], close: () => undefined },
      limit: createLimiter(PROBE_CONCURRENCY),
      probeTimeoutMs: PROBE_TIMEOUT_MS,
      digestCredentials: async () => undefined,
    });
  } finally {
    setGlobalDispatcher(previous);
  }
  const passMs = performance.now() - start;
  seen.heapPeak = Math.max(seen.heapPeak, process.memoryUsage().heapUsed);
  await dispatcher.close();
  const counts = observed.pods[0]?.probe?.taskStore;
  const plan = planTaskRead(counts, PROBE_TIMEOUT_MS);
  const tasks = observed.diagnostics?.tasks;
  const window = parseDuration(cluster.spec.diagnostics.window);
  const measure: PassMeasure = {
    passMs,
    reads: seen.reads,
    heapGrowthBytes: seen.heapPeak - heapBefore,
    reason: executorHealthy(tasks, new Date(), window).reason,
  };
  if (counts) measure.counts = counts;
  if (plan) measure.plan = plan;
  if (seen.startedAt !== undefined && seen.endedAt !== undefined) {
    measure.readMs = seen.endedAt - seen.startedAt;
    measure.responseBytes = seen.bytes;
  }
  if (seen.reads) measure.tasksRead = tasks?.outcomes.length ?? 0;
  if (tasks?.error) measure.error = tasks.error;
  return measure;
}
