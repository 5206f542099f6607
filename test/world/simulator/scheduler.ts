// One simulated scheduler process: startup order, storage preparation, election and shutdown (SchedulerLifecycle).
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { advertisedHost, type SchedulerConfig } from './config.ts';
import { mergeFaults, type Faults } from './faults.ts';
import { createHttpServer } from './http-server.ts';
import { createLeaderElection, type LeaderElection } from './leader-election.ts';
import { replicaPid } from './log-group.ts';
import { createReplica, type Replica } from './log-replica.ts';
import { acquireLock } from './log-store.ts';
import { startLibprocess } from './libprocess-server.ts';
import { createLeadership, type Leadership } from './leadership.ts';
import { lookupLeader } from './serverset.ts';
import type { SimLog } from './sim-log.ts';
import { ScheduleStatus } from '../../../src/thrift/api-types.ts';
import { createVars, LIFECYCLE_STATES, ZK_STATES, type LifecycleState } from './vars.ts';
import { connectZk, type ZkConnectionState, type ZkSession } from './zk-client.ts';

export interface SchedulerProcess {
  start(): Promise<void>;
  shutdown(reason: string, code?: number): Promise<void>;
}

/** Ends the program with an exit code: process.exit in a process of its own, a callback where many share one. */
export type ExitProgram = (code: number) => void;

export function createScheduler(
  cfg: SchedulerConfig,
  log: SimLog,
  initialFaults: Faults,
  exit: ExitProgram = (code) => process.exit(code),
): SchedulerProcess {
  const vars = createVars();
  const started = Date.now();
  let lifecycle: LifecycleState = 'IDLE';
  let zkState: ZkConnectionState | undefined;
  let faults = initialFaults;
  let httpPort = cfg.httpPort;
  let http: Server | undefined;
  let lib: Server | undefined;
  let replica: Replica | undefined;
  let releaseLock: (() => void) | undefined;
  const sessions: ZkSession[] = [];
  let curator: ZkSession | undefined;
  let election: LeaderElection | undefined;
  let leadership: Leadership | undefined;
  let stopping = false;

  const setLifecycle = (s: LifecycleState): void => {
    if (lifecycle !== 'DEAD') log.info(`Transitioning from ${lifecycle} to ${s}`);
    lifecycle = s;
  };
  for (const s of LIFECYCLE_STATES) vars.gauge(`scheduler_lifecycle_${s}`, () => (lifecycle === s ? 1 : 0));
  for (const s of ZK_STATES) vars.gauge(`zk_connection_state_${s}`, () => (zkState === s ? 1 : 0));
  vars.gauge('jvm_uptime_secs', () => Math.floor((Date.now() - started) / 1000));
  vars.gauge('framework_registered', () => (leadership?.registered() ? 1 : 0));
  vars.incr('scheduler_backup_success', 0);
  vars.incr('scheduler_backup_failed', 0);
  // Aurora's TaskVars: the leader's task count per status, once its storage is ready
  for (const [status, code] of Object.entries(ScheduleStatus)) {
    vars.gauge(`task_store_${status}`, () =>
      leadership?.storageReady() ? leadership.state().tasks.filter((t) => t.status === code).length : 0,
    );
  }
  for (const s of ZK_STATES) vars.incr(`zk_connection_state_${s}_counter`, 0);

  const self = { host: advertisedHost(cfg), port: 0 };

  const onZkState = (s: ZkConnectionState): void => {
    zkState = s;
    vars.incr(`zk_connection_state_${s}_counter`);
    if (s === 'LOST') void shutdown('Lost leadership, committing suicide.');
  };

  const zkConnect = async (chroot: string | undefined): Promise<ZkSession> => {
    const zk = await connectZk({
      connectString: `${cfg.zkEndpoints}${chroot ?? ''}`,
      sessionTimeoutMs: cfg.zkSessionTimeoutMs,
      connectionTimeoutMs: cfg.zkConnectionTimeoutMs,
      digestCredentials: cfg.zkDigestCredentials,
      onState: onZkState,
    });
    sessions.push(zk);
    return zk;
  };

  async function start(): Promise<void> {
    if (!cfg.zkDigestCredentials)
      log.warn('Running without ZooKeeper digest credentials. ZooKeeper ACLs are disabled.');
    http = createHttpServer({
      api: {
        clusterName: cfg.clusterName,
        schedulerHost: self.host,
        storageReady: () => faults.storageNotReady !== true && (leadership?.storageReady() ?? false),
        state: () => leadership?.state() ?? { tasks: [] },
        mutate: (c) => need(leadership).mutate(c),
        backupNow: () => need(leadership).backupNow(),
        snapshot: () => need(leadership).snapshot(),
        listBackups: () => need(leadership).listBackups(),
        get recovery() {
          return need(leadership).recovery;
        },
        commitRecovery: (s) => need(leadership).commitRecovery(s),
      },
      vars,
      self: () => self,
      lookupLeader: () =>
        curator ? lookupLeader(curator, cfg.serversetPath) : Promise.resolve({ kind: 'none' }),
      faults: () => faults,
      updateFaults: (u) => {
        faults = mergeFaults(faults, u);
        if (faults.crash !== undefined) setTimeout(() => exit(faults.crash ?? 1), 20);
        return faults;
      },
      quit: () => void shutdown('Received quit request via /quitquitquit.'),
      abort: () => exit(0),
    });
    httpPort = await listen(http, cfg.httpPort, cfg.ip ?? '0.0.0.0');
    self.port = httpPort;
    log.info(
      `HTTP server listening on ${cfg.ip ?? '0.0.0.0'}:${httpPort}, advertised as ${self.host}:${httpPort}`,
    );
    mkdirSync(cfg.backupDir, { recursive: true });

    setLifecycle('PREPARING_STORAGE');
    releaseLock = acquireLock(cfg.logPath);
    const libprocess = await startLibprocess(cfg.libprocessIp, cfg.libprocessPort, () => replica);
    lib = libprocess.server;
    const pid = replicaPid(cfg.libprocessIp, libprocess.port);
    log.info(`libprocess listening as ${pid}`);
    // The native log ignores -zk_chroot_path; only the Curator client (serverset) is chrooted.
    const logZk = await zkConnect(undefined);
    // ZooKeeper does not create a missing chroot; create it so a fresh ensemble works.
    if (cfg.zkChrootPath) await logZk.mkdirp(cfg.zkChrootPath);
    curator = cfg.zkChrootPath ? await zkConnect(cfg.zkChrootPath) : logZk;
    replica = createReplica({
      dir: cfg.logPath,
      quorum: cfg.quorum,
      zk: logZk,
      groupPath: cfg.logGroupPath,
      pid,
      log,
      readTimeoutMs: cfg.readTimeoutMs,
      writeTimeoutMs: cfg.writeTimeoutMs,
      appendDelayMs: () => faults.logAppendDelayMs ?? 0,
    });
    await replica.join();
    setLifecycle('STORAGE_PREPARED');

    leadership = createLeadership({
      cfg,
      log,
      vars,
      replica,
      zk: curator,
      self,
      started,
      faults: () => faults,
      setLifecycle,
      shutdown: (reason) => void shutdown(reason),
    });
    const lead = leadership;
    election = createLeaderElection(curator, cfg.serversetPath, self.host, () => {
      log.info('Elected as leading scheduler!');
      lead.lead().catch((err: unknown) => void shutdown(`Leadership failed: ${String(err)}`));
    });
    await election.start();
  }

  async function shutdown(reason: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info(reason);
    setLifecycle('DEAD');
    const force = setTimeout(() => exit(code), 4000);
    force.unref();
    leadership?.stop();
    replica?.stop();
    await Promise.race([
      Promise.all([leadership?.unadvertise(), election?.leave()]),
      new Promise((r) => setTimeout(r, 1500)),
    ]).catch(() => undefined);
    for (const s of sessions) s.close();
    http?.closeAllConnections();
    http?.close();
    lib?.closeAllConnections();
    lib?.close();
    releaseLock?.();
    clearTimeout(force);
    exit(code);
  }

  return { start, shutdown };
}

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('Storage is not READY');
  return v;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
