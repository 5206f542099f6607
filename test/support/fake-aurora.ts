// A scripted Aurora cluster behind the operator's admin, agent and probe clients: each replica's backups volume
// (markers, backup files), one replicated log, the leader, and the recovery a partially disabled leader stages.
import { AgentError } from '../../src/agent/agent-errors.ts';
import type { BackupFile } from '../../src/agent/agent-api.ts';
import type { AgentClient } from '../../src/agent/agent-client.ts';
import { succeededMarkerName } from '../../src/api/contracts.ts';
import { AuroraHttpError, AuroraRpcError, type AuroraAdminClient } from '../../src/aurora/admin-client.ts';
import type { SchedulerProbe } from '../../src/aurora/scheduler-probe.ts';
import { summarizeTask } from '../../src/aurora/backup-summary.ts';
import { type RpcFault, withAgentFaults, withRpcFaults } from './aurora-faults.ts';
import { markerName, type RestoreAction } from '../../src/resources/restore-config.ts';
import type { SchedulerMode } from '../../src/resources/scheduler-args.ts';
import {
  ResponseCode,
  ScheduleStatus,
  type ScheduledTask,
  type TaskQuery,
} from '../../src/thrift/api-types.ts';

export interface Replica {
  markers: string[];
  backups: BackupFile[];
  /** how often log-init moved this replica's log aside */
  wipes: number;
  rollbacks: number;
}

export interface RunningScheduler {
  ordinal: number;
  podIP: string;
  mode: SchedulerMode;
}

export interface RestoreInstructionData {
  restoreId: string;
  action: RestoreAction;
  backupId: string;
  recoverOrdinal: number;
}

/**
 * What one commitRecovery does instead of landing: the leader dies first (another leads, or its process restarts in
 * the same pod and leads again), or the log ends up holding other tasks.
 */
export type CommitScript = 'lose-leader' | 'restart-in-place' | 'write-other';

/** Task ids are `role-env-name-instance`, so a task's job key can be read back from its id. */
export function taskOf(taskId: string): ScheduledTask {
  const [role = '', environment = '', name = '', instance = '0'] = taskId.split('-');
  return {
    assignedTask: { taskId, instanceId: Number(instance), task: { job: { role, environment, name } } },
    status: ScheduleStatus.RUNNING,
  };
}

const rpcError = (method: string, message: string, code: ResponseCode = ResponseCode.ERROR) =>
  new AuroraRpcError(method, code, [message]);

export class FakeAurora {
  /** the task ids the replicated log holds */
  log: string[];
  /** the log the first wipe of a restore moved aside, brought back by a rollback */
  preRestoreLog: string[] | undefined;
  staged: { ordinal: number; taskIds: string[] } | undefined;
  leader: number | undefined;
  /** set by the world on every tick: the scheduler processes that are up */
  running: RunningScheduler[] = [];
  readonly replicas = new Map<number, Replica>();
  /** backup contents by backup id */
  readonly contents = new Map<string, string[]>();
  /** ordinals whose backups volume is full: an upload there answers 507 */
  readonly fullVolumes = new Set<number>();
  /** backups whose file the agent cannot decode, with the agent's reason */
  readonly unreadable = new Map<string, string>();
  readonly onCommit: CommitScript[] = [];
  /** a non-transient ERROR stageRecovery answers with, e.g. "Backup ... does not exist." */
  stageError: string | undefined;
  commitCalls = 0;
  /** log snapshots the leader wrote through the snapshot RPC */
  snapshots = 0;
  /** the ordinals whose schedulers were up when recovery-tool wrote the log */
  recoveryAlongside: number[] | undefined;
  /** how many more storage reads answer "Storage is not READY", as a new leader's may */
  unreadyReads = 0;
  readonly quorum: number;
  /** a nemesis's draws: a fault for the next admin call, a failing agent call, an unanswered probe */
  rpcFault: ((method: string) => RpcFault | undefined) | undefined;
  agentFault: ((method: string) => boolean) | undefined;
  probeFault: ((host: string) => boolean) | undefined;

  constructor(log: string[], quorum: number) {
    this.log = [...log];
    this.quorum = quorum;
  }

  replica(ordinal: number): Replica {
    let r = this.replicas.get(ordinal);
    if (!r) {
      r = { markers: [], backups: [], wipes: 0, rollbacks: 0 };
      this.replicas.set(ordinal, r);
    }
    return r;
  }

  /** elect keeps a live leader; a new one is the lowest running ordinal, and nothing staged survives the change. */
  elect(): void {
    const live = this.running.map((s) => s.ordinal).sort((a, b) => a - b);
    const next =
      live.length < this.quorum ? undefined : live.includes(this.leader ?? -1) ? this.leader : live[0];
    if (next !== this.leader) this.staged = undefined;
    this.leader = next;
  }

  /** failover: the leader process exits (lost ZooKeeper session, mandatory failover); another replica leads. */
  failover(): void {
    const others = this.running.map((s) => s.ordinal).filter((o) => o !== this.leader);
    this.staged = undefined;
    this.leader = others.length > 0 && others.length + 1 >= this.quorum ? Math.min(...others) : undefined;
  }

  /** logInit is the pod's log-init container: one action per restore and replica, recorded by its marker. */
  logInit(ordinal: number, config: RestoreInstructionData | undefined): void {
    if (!config) return;
    const r = this.replica(ordinal);
    const marker = markerName(config.restoreId, config.action);
    if (r.markers.includes(marker)) return;
    if (config.action === 'rollback') {
      const wiped = ['wipe', 'wipe-and-recover'].some((a) =>
        r.markers.includes(markerName(config.restoreId, a as RestoreAction)),
      );
      if (!wiped) return;
      if (this.preRestoreLog) this.log = [...this.preRestoreLog];
      r.rollbacks++;
    } else {
      r.wipes++;
      if (this.preRestoreLog === undefined) {
        this.preRestoreLog = this.log;
        this.log = [];
      }
      if (config.action === 'wipe-and-recover' && config.recoverOrdinal === ordinal) {
        const content = this.contents.get(config.backupId);
        if (!r.backups.some((b) => b.name === config.backupId) || !content) {
          throw new Error(`recovery-tool on ordinal ${ordinal}: ${config.backupId} is not on its volume`);
        }
        this.log = [...content];
        this.recoveryAlongside = this.running.map((s) => s.ordinal);
      }
    }
    r.markers.push(marker);
  }

  probe(host: string): SchedulerProbe {
    if (this.probeFault?.(host)) return { healthy: false, leaderHealth: 'unknown', error: 'probe timed out' };
    const s = this.running.find((p) => p.podIP === host);
    if (!s) return { healthy: false, leaderHealth: 'unknown', error: `connect ECONNREFUSED ${host}` };
    if (this.leader === undefined) {
      return {
        healthy: true,
        lifecycle: 'PREPARING_STORAGE',
        leaderHealth: 'no-leader',
        logRecovered: false,
      };
    }
    const leads = s.ordinal === this.leader;
    const active = leads && s.mode === 'normal';
    return {
      healthy: true,
      lifecycle: leads ? (active ? 'ACTIVE' : 'LEADER_AWAITING_REGISTRATION') : 'STORAGE_PREPARED',
      frameworkRegistered: active,
      leaderHealth: active ? 'leading' : 'not-leading',
      logRecovered: true,
    };
  }

  agents(): AgentClient {
    const agents = this.plainAgents();
    const draw = this.agentFault;
    return draw ? withAgentFaults(agents, draw) : agents;
  }

  admin(podIP: string): AuroraAdminClient {
    const admin = this.plainAdmin(podIP);
    const draw = this.rpcFault;
    return draw ? withRpcFaults(admin, draw) : admin;
  }

  private plainAgents(): AgentClient {
    const at = (host: string): Replica => {
      const s = this.running.find((p) => p.podIP === host);
      if (!s) throw new Error(`connect ECONNREFUSED ${host}`);
      return this.replica(s.ordinal);
    };
    return {
      listBackups: async (e) => structuredClone(at(e.host).backups),
      listMarkers: async (e) => [...at(e.host).markers],
      checkBackup: async (e, name) => {
        const file = at(e.host).backups.find((b) => b.name === name);
        if (!file) throw new Error(`${name} not found on ${e.host}`);
        const problem = this.unreadable.get(name);
        return problem
          ? { name, size: file.size, verdict: 'unreadable' as const, problem }
          : {
              name,
              size: file.size,
              verdict: 'readable' as const,
              tasks: this.contents.get(name)?.length ?? 0,
              // the snapshot's own timestamp; the fake writes its files when it takes the snapshot
              timestamp: Date.parse(file.mtime),
            };
      },
      summarizeBackup: async (e, name) => {
        const file = at(e.host).backups.find((b) => b.name === name);
        if (!file) throw new Error(`${name} not found on ${e.host}`);
        const tasks = (this.contents.get(name) ?? []).map((id) => summarizeTask(taskOf(id)));
        return { name, size: file.size, timestamp: Date.parse(file.mtime), tasks, cronJobs: [], quotas: [] };
      },
      markSucceeded: async (e, restoreId) => {
        const r = at(e.host);
        const marker = succeededMarkerName(restoreId);
        if (!r.markers.includes(marker)) r.markers.push(marker);
      },
      copyBackup: async (from, to, name) => {
        const file = at(from.host).backups.find((b) => b.name === name);
        if (!file) throw new Error(`${name} not found on ${from.host}`);
        const full = this.running.find((p) => p.podIP === to.host && this.fullVolumes.has(p.ordinal));
        if (full) throw new AgentError('AGENT_VOLUME_FULL', `PUT ${to.host}: no space left on device`);
        const target = at(to.host);
        target.backups = [...target.backups.filter((b) => b.name !== name), { ...file }];
        return file.size;
      },
    };
  }

  private plainAdmin(podIP: string): AuroraAdminClient {
    /** only the leader awaiting registration answers the recovery calls (Bypass-Leader-Redirect) */
    const leader = (method: string, mode?: SchedulerMode): RunningScheduler => {
      const s = this.running.find((p) => p.podIP === podIP);
      if (!s)
        throw new AuroraHttpError(
          method,
          `POST http://${podIP}/api failed: connect ECONNREFUSED`,
          undefined,
          undefined,
          'ECONNREFUSED',
        );
      if (s.ordinal !== this.leader || (mode && s.mode !== mode)) {
        throw rpcError(method, 'Storage is not READY', ResponseCode.ERROR_TRANSIENT);
      }
      return s;
    };
    const staged = (method: string) => {
      leader(method, 'recovery');
      if (!this.staged) throw rpcError(method, 'No backup loaded.');
      return this.staged;
    };
    const unused = async (): Promise<never> => Promise.reject(new Error('not used by a restore'));
    return {
      performBackup: unused,
      listBackups: unused,
      snapshot: async () => {
        leader('snapshot');
        this.snapshots++;
      },
      createJob: unused,
      killTasks: unused,
      call: unused,
      stageRecovery: async (backupId) => {
        const s = leader('stageRecovery', 'recovery');
        if (this.staged) throw rpcError('stageRecovery', 'Another backup is already loaded.');
        if (this.stageError) throw rpcError('stageRecovery', this.stageError);
        const content = this.contents.get(backupId);
        if (!content || !this.replica(s.ordinal).backups.some((b) => b.name === backupId)) {
          throw rpcError('stageRecovery', `Backup ${backupId} does not exist.`);
        }
        this.staged = { ordinal: s.ordinal, taskIds: [...content] };
      },
      queryRecovery: async () => staged('queryRecovery').taskIds.map(taskOf),
      deleteRecoveryTasks: async (query: TaskQuery) => {
        const s = staged('deleteRecoveryTasks');
        const jobs = (query.jobKeys ?? []).map((k) => `${k.role}-${k.environment}-${k.name}-`);
        s.taskIds = s.taskIds.filter(
          (id) => !(query.taskIds ?? []).includes(id) && !jobs.some((j) => id.startsWith(j)),
        );
      },
      commitRecovery: async () => this.commit(staged('commitRecovery').taskIds),
      unloadRecovery: async () => {
        leader('unloadRecovery', 'recovery');
        this.staged = undefined;
      },
      getTasksWithoutConfigs: async () => {
        leader('getTasksWithoutConfigs');
        if (this.unreadyReads > 0) {
          this.unreadyReads--;
          throw rpcError('getTasksWithoutConfigs', 'Storage is not READY', ResponseCode.ERROR_TRANSIENT);
        }
        return this.log.map(taskOf);
      },
      getTasksStatus: async (query: TaskQuery) => {
        leader('getTasksStatus');
        const offset = query.offset ?? 0;
        return this.log.slice(offset, offset + (query.limit ?? this.log.length)).map(taskOf);
      },
    };
  }

  private commit(taskIds: string[]): void {
    this.commitCalls++;
    const script = this.onCommit.shift();
    if (script === 'restart-in-place') {
      // the process dies before writing and comes back leading from the same pod, its staged backup gone
      this.staged = undefined;
      throw new AuroraHttpError(
        'commitRecovery',
        'POST /api failed: other side closed',
        undefined,
        undefined,
        'UND_ERR_SOCKET',
      );
    }
    if (script === 'lose-leader') {
      // the leader dies before the snapshot is written: nothing lands, the staged backup goes with it
      this.failover();
      throw new AuroraHttpError(
        'commitRecovery',
        'POST /api failed: other side closed',
        undefined,
        undefined,
        'UND_ERR_SOCKET',
      );
    }
    this.log = script === 'write-other' ? ['intruder-job-x-0'] : [...taskIds];
    // commitRecovery ends in a mandatory failover
    this.failover();
  }
}
