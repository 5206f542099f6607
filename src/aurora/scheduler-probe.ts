// Reads one scheduler's health signals: /health, /vars.json, /leaderhealth and libprocess /metrics/snapshot.
import { Agent, request } from 'undici';
import type { Limiter } from './concurrency-limit.ts';
import { LIFECYCLE_STATES, type LifecycleState } from './lifecycle.ts';
import { taskStoreCounts, type TaskStoreCounts } from './task-store-vars.ts';

export type LeaderHealth = 'leading' | 'not-leading' | 'no-leader' | 'unknown';

export { LIFECYCLE_STATES, type LifecycleState };

export interface SchedulerProbe {
  healthy: boolean;
  lifecycle?: LifecycleState;
  frameworkRegistered?: boolean;
  leaderHealth: LeaderHealth;
  logRecovered?: boolean;
  backupSuccess?: number;
  backupFailed?: number;
  uptimeSecs?: number;
  /** the leader's task counts, when it exports them */
  taskStore?: TaskStoreCounts;
  error?: string;
}

export interface ProbeTarget {
  host: string;
  httpPort: number;
  libprocessPort: number;
}

const dispatcher = new Agent({ keepAliveTimeout: 1000, connect: { timeout: 2000 } });

async function get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await request(url, {
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

function leaderHealthOf(status: number): LeaderHealth {
  if (status === 200) return 'leading';
  if (status === 503) return 'not-leading';
  if (status === 502) return 'no-leader';
  return 'unknown';
}

function lifecycleOf(vars: Record<string, unknown>): LifecycleState | undefined {
  return LIFECYCLE_STATES.find((state) => vars[`scheduler_lifecycle_${state}`] === 1);
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export async function probeScheduler(target: ProbeTarget, timeoutMs = 2000): Promise<SchedulerProbe> {
  const base = `http://${target.host}:${target.httpPort}`;
  try {
    const health = await get(`${base}/health`, timeoutMs);
    if (health.status !== 200 || health.body !== 'OK\n') {
      return { healthy: false, leaderHealth: 'unknown', error: `/health answered ${health.status}` };
    }
  } catch (err) {
    return { healthy: false, leaderHealth: 'unknown', error: `/health: ${(err as Error).message}` };
  }
  const [vars, leader, metrics] = await Promise.allSettled([
    get(`${base}/vars.json`, timeoutMs),
    get(`${base}/leaderhealth`, timeoutMs),
    get(`http://${target.host}:${target.libprocessPort}/metrics/snapshot`, timeoutMs),
  ]);
  const probe: SchedulerProbe = {
    healthy: true,
    leaderHealth: leader.status === 'fulfilled' ? leaderHealthOf(leader.value.status) : 'unknown',
  };
  if (vars.status === 'fulfilled' && vars.value.status === 200) {
    const parsed = JSON.parse(vars.value.body) as Record<string, unknown>;
    const lifecycle = lifecycleOf(parsed);
    if (lifecycle) probe.lifecycle = lifecycle;
    probe.frameworkRegistered = parsed['framework_registered'] === 1;
    const success = numberOf(parsed['scheduler_backup_success']);
    const failed = numberOf(parsed['scheduler_backup_failed']);
    const uptime = numberOf(parsed['jvm_uptime_secs']);
    if (success !== undefined) probe.backupSuccess = success;
    if (failed !== undefined) probe.backupFailed = failed;
    if (uptime !== undefined) probe.uptimeSecs = uptime;
    const taskStore = taskStoreCounts(parsed);
    if (taskStore) probe.taskStore = taskStore;
  }
  if (metrics.status === 'fulfilled' && metrics.value.status === 200) {
    const parsed = JSON.parse(metrics.value.body) as Record<string, unknown>;
    probe.logRecovered = parsed['log/recovered'] === 1;
  }
  return probe;
}

export function probeAll(
  targets: readonly ProbeTarget[],
  limit: Limiter,
  timeoutMs?: number,
): Promise<SchedulerProbe[]> {
  return Promise.all(targets.map((t) => limit(() => probeScheduler(t, timeoutMs))));
}
