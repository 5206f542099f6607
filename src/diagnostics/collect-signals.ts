// Reads the diagnostic signals: TCP reachability of libprocess ports, serverset host resolution, and two
// Thrift read calls (getTasksWithoutConfigs, listBackups) on the active leader, each bounded by a timeout.
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { createAuroraAdminClient } from '../aurora/admin-client.ts';
import type { Limiter } from '../aurora/concurrency-limit.ts';
import type { ServersetMember } from '../aurora/serverset.ts';
import type { TaskStoreCounts } from '../aurora/task-store-vars.ts';
import { ScheduleStatus, type ScheduledTask } from '../thrift/api-types.ts';
import { planTaskRead, type TaskRead } from './task-read-plan.ts';
import type { AdvertisedEndpoint, DiagnosticSignals, TaskOutcome } from './signals.ts';

export interface SignalTargets {
  pods: ReadonlyArray<{ name: string; podIP?: string; leading: boolean; taskStore?: TaskStoreCounts }>;
  members: readonly ServersetMember[];
  httpPort: number;
  libprocessPort: number;
  limit: Limiter;
  timeoutMs: number;
}

// terminal and started states are enough to tell a crashing executor from a working one
const QUERIED = [
  ScheduleStatus.STARTING,
  ScheduleStatus.RUNNING,
  ScheduleStatus.FAILED,
  ScheduleStatus.LOST,
  ScheduleStatus.FINISHED,
  ScheduleStatus.KILLED,
];

export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

export function taskOutcome(task: ScheduledTask): TaskOutcome {
  const events = task.taskEvents ?? [];
  const starts = events.filter(
    (e) => e.status === ScheduleStatus.STARTING || e.status === ScheduleStatus.RUNNING,
  );
  const status =
    task.status === ScheduleStatus.FAILED ? 'FAILED' : task.status === ScheduleStatus.LOST ? 'LOST' : 'OTHER';
  const outcome: TaskOutcome = {
    taskId: task.assignedTask.taskId,
    status,
    started: starts.length > 0,
    lastEventAt: Math.max(0, ...events.map((e) => e.timestamp)),
  };
  if (starts.length) outcome.startedAt = Math.max(...starts.map((e) => e.timestamp));
  return outcome;
}

async function resolveEndpoint(member: ServersetMember, timeoutMs: number): Promise<AdvertisedEndpoint> {
  const base = { node: member.node, host: member.host, port: member.port };
  let address: string;
  try {
    address = (await lookup(member.host)).address;
  } catch {
    return { ...base, reachable: false };
  }
  return { ...base, address, reachable: await tcpReachable(address, member.port, timeoutMs) };
}

// the task read gets its own client: its timeout scales with the task count, the other calls' does not
function readTasks(baseUrl: string, read: TaskRead): Promise<ScheduledTask[]> {
  const client = createAuroraAdminClient({ baseUrl, timeoutMs: read.timeoutMs, bypassLeaderRedirect: true });
  return client.getTasksWithoutConfigs({ statuses: QUERIED, limit: read.limit });
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function collectSignals(t: SignalTargets): Promise<DiagnosticSignals> {
  const reachable = await Promise.all(
    t.pods.map((p) =>
      p.podIP ? t.limit(() => tcpReachable(p.podIP ?? '', t.libprocessPort, t.timeoutMs)) : false,
    ),
  );
  const signals: DiagnosticSignals = {
    libprocessReachable: Object.fromEntries(t.pods.map((p, i) => [p.name, reachable[i] === true])),
    advertised: await Promise.all(t.members.map((m) => t.limit(() => resolveEndpoint(m, t.timeoutMs)))),
  };
  const leader = t.pods.find((p) => p.leading && p.podIP);
  if (!leader?.podIP) return signals;
  const baseUrl = `http://${leader.podIP}:${t.httpPort}`;
  const client = createAuroraAdminClient({ baseUrl, timeoutMs: t.timeoutMs, bypassLeaderRedirect: true });
  const read = planTaskRead(leader.taskStore, t.timeoutMs);
  const [tasks, backups] = await Promise.allSettled([
    read ? t.limit(() => readTasks(baseUrl, read)) : Promise.resolve([]),
    t.limit(() => client.listBackups()),
  ]);
  signals.tasks =
    tasks.status === 'fulfilled'
      ? {
          outcomes: tasks.value.map(taskOutcome),
          ...(read && tasks.value.length >= read.limit ? { truncatedAt: read.limit } : {}),
        }
      : { outcomes: [], error: messageOf(tasks.reason) };
  signals.backups =
    backups.status === 'fulfilled'
      ? { names: backups.value }
      : { names: [], error: messageOf(backups.reason) };
  return signals;
}
