// What a leader does: start storage (log writer election), register with Mesos, then run the ACTIVE services.
import type { SchedulerConfig } from './config.ts';
import { timerMs } from './durations.ts';
import type { Faults } from './faults.ts';
import { listBackupFiles, saveBackup } from './backups.ts';
import type { Replica } from './log-replica.ts';
import type { StoredState } from './log-store.ts';
import { parseMasterAddress, watchForMaster } from './mesos-master.ts';
import { advertise, type Endpoint } from './serverset.ts';
import type { SimLog } from './sim-log.ts';
import { createStagedRecovery, type StagedRecovery } from './staged-recovery.ts';
import { advanceTasks, needsProgress } from './task-agent.ts';
import type { LifecycleState, Vars } from './vars.ts';
import type { ZkSession } from './zk-client.ts';

export interface LeadershipDeps {
  cfg: SchedulerConfig;
  log: SimLog;
  vars: Vars;
  replica: Replica;
  zk: ZkSession;
  self: Endpoint;
  started: number;
  faults: () => Faults;
  setLifecycle: (s: LifecycleState) => void;
  shutdown: (reason: string) => void;
}

export interface Leadership {
  lead(): Promise<void>;
  registered(): boolean;
  storageReady(): boolean;
  state(): StoredState;
  mutate(change: (s: StoredState) => StoredState): Promise<void>;
  backupNow(): void;
  snapshot(): Promise<void>;
  listBackups(): string[];
  recovery: StagedRecovery;
  commitRecovery(state: StoredState): Promise<void>;
  unadvertise(): Promise<void>;
  stop(): void;
}

const AGENT_TICK_MS = 300;

export function createLeadership(d: LeadershipDeps): Leadership {
  const { cfg, log } = d;
  let ready = false;
  let isRegistered = false;
  let state: StoredState = { tasks: [] };
  let lastBackup = d.started;
  let memberPath: string | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();
  let stopMasterWatch: (() => void) | undefined;
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, timerMs(ms));
    timers.add(t);
  };

  function mutate(change: (s: StoredState) => StoredState): Promise<void> {
    const run = chain.then(async () => {
      const next = change(state);
      if (next === state) return;
      try {
        await d.replica.append(next);
      } catch (err) {
        d.shutdown(`Log append failed, shutting down: ${(err as Error).message}`);
        throw err;
      }
      state = next;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function backupNow(): void {
    lastBackup = Date.now();
    try {
      const name = saveBackup(state, {
        dir: cfg.backupDir,
        maxSaved: cfg.maxSavedBackups,
        now: new Date(),
        fail: d.faults().backupFail === true,
      });
      d.vars.incr('scheduler_backup_success');
      log.info(`Saved backup ${name} to ${cfg.backupDir}`);
    } catch (err) {
      d.vars.incr('scheduler_backup_failed');
      log.error(`Failed to prepare backup: ${(err as Error).message}`);
    }
  }

  /** A log snapshot (the full state rewritten) that also backs up when -backup_interval has passed. */
  async function snapshot(): Promise<void> {
    await mutate((s) => ({ ...s }));
    d.vars.incr('scheduler_log_snapshots');
    if (Date.now() >= lastBackup + cfg.backupIntervalMs) setImmediate(backupNow);
  }

  async function startStorage(): Promise<void> {
    const deadline = Date.now() + cfg.electionTimeoutMs * cfg.electionRetries;
    for (let attempt = 1; ; attempt++) {
      const r = await d.replica.electWriter();
      if (r.ok) break;
      if (Date.now() >= deadline) {
        throw new Error(`Failed to obtain a log writer after ${attempt} attempts: ${r.reason}`);
      }
      log.warn(`Coordinator election attempt ${attempt} failed: ${r.reason}`);
      await new Promise((res) => setTimeout(res, Math.min(cfg.electionTimeoutMs, 1000)));
    }
    state = d.replica.record.state ?? { tasks: [] };
    ready = true;
    log.info(`Storage is READY (log position ${d.replica.record.position}, ${state.tasks.length} tasks)`);
  }

  async function onRegistered(): Promise<void> {
    const frameworkId = state.frameworkId ?? `sim-framework-${Date.now()}`;
    if (!state.frameworkId) await mutate((s) => ({ ...s, frameworkId }));
    isRegistered = true;
    log.info(`Registered with ID value: "${frameworkId}"`);
    d.setLifecycle('ACTIVE');
    memberPath = await advertise(d.zk, cfg.serversetPath, d.self, cfg.serversetEndpointName);
    log.info(`Advertised leader as ${memberPath}`);
    const tick = (): void => {
      later(AGENT_TICK_MS, tick);
      if (!needsProgress(state.tasks)) return;
      const opts = {
        now: Date.now(),
        scheduler: d.self.host,
        executorCrash: d.faults().executorCrash === true,
      };
      mutate((s) => ({ ...s, tasks: advanceTasks(s.tasks, opts) })).catch(() => undefined);
    };
    tick();
    const snap = (): void => {
      later(cfg.snapshotIntervalMs, snap);
      snapshot().catch((err: unknown) => log.error(`Snapshot failed: ${String(err)}`));
    };
    later(cfg.snapshotIntervalMs, snap);
  }

  async function lead(): Promise<void> {
    d.setLifecycle('LEADER_AWAITING_REGISTRATION');
    try {
      await startStorage();
    } catch (err) {
      d.shutdown(`Storage failed to start: ${(err as Error).message}`);
      return;
    }
    // Aurora arms the failover timer once storage has started, so a slow writer election does not shorten the term.
    later(cfg.maxLeadingDurationMs, () => d.shutdown('Triggering automatic failover.'));
    later(cfg.maxRegistrationDelayMs, () => {
      if (!isRegistered) d.shutdown('Framework has not been registered within the tolerated delay.');
    });
    stopMasterWatch = watchForMaster(parseMasterAddress(cfg.mesosMasterAddress), () => {
      onRegistered().catch((err: unknown) => d.shutdown(`Registration handling failed: ${String(err)}`));
    });
  }

  return {
    lead,
    registered: () => isRegistered,
    storageReady: () => ready,
    state: () => state,
    mutate,
    backupNow,
    snapshot,
    listBackups: () => listBackupFiles(cfg.backupDir),
    recovery: createStagedRecovery(cfg.backupDir),
    async commitRecovery(staged) {
      // Nothing is committed until the append reached a quorum: a process stopped or killed before that (or
      // whose append times out) leaves the log as it was, and the staged backup, held only in memory, is gone.
      log.info(`Committing the staged recovery (${staged.tasks.length} tasks) to the replicated log.`);
      await mutate(() => ({ ...staged }));
      log.info('Recovery committed, shutting down for a mandatory failover.');
      setTimeout(() => d.shutdown('Shutting down after committing recovery.'), 200);
    },
    async unadvertise() {
      if (memberPath) await d.zk.remove(memberPath);
    },
    stop() {
      stopMasterWatch?.();
      for (const t of timers) clearTimeout(t);
    },
  };
}
