// One replica of the simulated replicated log: catch-up of EMPTY replicas, writer election, quorum writes.
//
// Like Mesos, a writer (coordinator) is elected with a proposal number: every replica that answers its promise
// request remembers the highest proposal it promised, and rejects promises and writes with a lower one. So a newer
// writer (another scheduler, or recovery-tool) supersedes an older one, whose next append then fails.
import { groupMembers, joinGroup, pidToUrl } from './log-group.ts';
import {
  readReplica,
  writeReplica,
  type ReplicaRecord,
  type ReplicaStatus,
  type StoredState,
} from './log-store.ts';
import { chooseCatchUpSource, chooseWriterView, type ReplicaAnswer } from './log-view.ts';
import type { SimLog } from './sim-log.ts';
import type { ZkSession } from './zk-client.ts';

export interface ReplicaOptions {
  dir: string;
  quorum: number;
  zk: ZkSession;
  groupPath: string;
  pid: string;
  log: SimLog;
  readTimeoutMs: number;
  writeTimeoutMs: number;
  /** Pause between recover broadcasts of an EMPTY replica. */
  recoverRetryMs?: number;
  /** Wait before an append stores anything anywhere (fault switch logAppendDelayMs: a slow disk or network). */
  appendDelayMs?: () => number;
}

export interface RecoverResponse {
  status: ReplicaStatus;
  /** this replica's -native_log_quorum_size */
  quorum?: number;
  position: number;
  promised: number;
  /** This replica's process is an elected writer that no newer promise has superseded. */
  writer: boolean;
}

export type PromiseResponse =
  | {
      type: 'ACCEPT';
      status: 'VOTING';
      position: number;
      promised: number;
      writer: boolean;
      /** the answering replica's -native_log_quorum_size */
      quorum?: number;
    }
  | { type: 'REJECT'; promised: number }
  | { type: 'IGNORED'; status: ReplicaStatus };

export interface WriteResponse {
  ok: boolean;
  /** the receiving replica's -native_log_quorum_size */
  quorum?: number;
  /** Set when the write was rejected because a higher proposal was promised. */
  promised?: number;
}

export type ElectResult =
  | {
      ok: true;
      proposal: number;
      position: number;
      /** PIDs of group members that were elected writers until this election superseded them. */
      supersededWriters: string[];
    }
  | { ok: false; reason: string };

export interface Replica {
  readonly record: ReplicaRecord;
  readonly ensembleSize: number;
  /** This process holds the writer role (elected, not superseded, not failed). */
  readonly isWriter: boolean;
  join(): Promise<void>;
  /** Incoming libprocess messages. */
  onRecover(): RecoverResponse;
  onPromise(proposal: number, from: string): PromiseResponse;
  onWrite(position: number, state: StoredState, proposal: number, from: string): WriteResponse;
  /** Coordinator election: promises from a quorum, then the latest state within the (pessimistic) view. */
  electWriter(): Promise<ElectResult>;
  /**
   * Appends a new full state; resolves once a quorum stored it. The local replica stores it last, after the
   * peers of the quorum acknowledged it, so a writer stopped or killed before that leaves nothing committed.
   */
  append(state: StoredState): Promise<void>;
  /** Waits until every write still on its way to a peer was answered or timed out. */
  flush(): Promise<void>;
  stop(): void;
}

interface Peer {
  pid: string;
  url: string;
}

const sameState = (a: StoredState | null, b: StoredState | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * quorumHazard: two write quorums of a group must share a replica, so every quorum setting in use must exceed half
 * the group. A replica started with another setting than its peers (the wrong order of Aurora's "Changing the
 * Quorum Size") breaks that: the message says how.
 */
export function quorumHazard(
  own: number,
  members: number,
  peerQuorums: readonly number[],
): string | undefined {
  // only differing settings are the guide's hazard: equal ones (a recovery-tool joining a 1-replica group at
  // quorum 1) are how Mesos is run, and its coordinator election then settles who writes
  if (!peerQuorums.some((q) => q !== own)) return undefined;
  const lowest = Math.min(own, ...peerQuorums);
  if (2 * lowest > members) return undefined;
  const mixed = ` (quorum settings ${own} and ${peerQuorums.join(', ')} differ)`;
  return `quorum ${lowest} is not a majority of the ${members} replicas in the log group${mixed}: two writers can both reach a quorum`;
}

export function createReplica(opts: ReplicaOptions): Replica {
  let record = readReplica(opts.dir);
  let ensembleSize = 1;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** The quorum settings the peers reported when this process was elected writer. */
  let electedWith: number[] = [];
  /** The proposal this process was elected with, while it is the writer. */
  let writerProposal: number | undefined;
  const inflight = new Set<Promise<unknown>>();

  const promised = (): number => record.promised ?? 0;
  const isWriter = (): boolean => writerProposal !== undefined && promised() <= writerProposal;
  const store = (next: ReplicaRecord): void => {
    record = next;
    writeReplica(opts.dir, record);
  };

  const post = async <T>(
    url: string,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<T | undefined> => {
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      });
      return res.ok ? ((await res.json()) as T) : undefined;
    } catch {
      return undefined;
    }
  };

  const peers = async (): Promise<Peer[]> => {
    // a restarted process may briefly appear twice under the same PID; it is one replica
    const pids = [...new Set(await groupMembers(opts.zk, opts.groupPath))];
    ensembleSize = Math.max(1, pids.length);
    return pids
      .filter((p) => p !== opts.pid)
      .flatMap((pid) => (pidToUrl(pid) ? [{ pid, url: pidToUrl(pid) as string }] : []));
  };

  const onRecover = (): RecoverResponse => {
    if (record.status === 'EMPTY') {
      opts.log.glog('replica.cpp:638', 'Replica in EMPTY status received a broadcasted recover request');
    }
    return {
      status: record.status,
      position: record.position,
      promised: promised(),
      writer: isWriter(),
      quorum: opts.quorum,
    };
  };

  const fetchState = async (url: string): Promise<ReplicaRecord | undefined> =>
    post<ReplicaRecord>(url, '/log/state', {}, opts.readTimeoutMs);

  async function catchUpOnce(): Promise<void> {
    const remote = await Promise.all(
      (await peers()).map(async (p) => ({
        p,
        r: await post<RecoverResponse>(p.url, '/log/recover', { from: opts.pid }, opts.readTimeoutMs),
      })),
    );
    const answers = [
      { p: { pid: opts.pid, url: '' }, r: onRecover() },
      ...remote.flatMap((x) => (x.r ? [{ p: x.p, r: x.r }] : [])),
    ];
    for (const a of answers) {
      if (a.r.status === 'EMPTY') {
        opts.log.glog('recover.cpp:188', 'Received a recover response from a replica in EMPTY status');
      }
    }
    const source = chooseCatchUpSource(
      answers.filter((a) => a.p.pid !== opts.pid).map((a) => ({ pid: a.p.pid, ...a.r })),
      opts.quorum,
    );
    const url = source ? answers.find((a) => a.p.pid === source.pid)?.p.url : undefined;
    if (!url) return;
    const state = await fetchState(url);
    if (!state || stopped || record.status !== 'EMPTY') return;
    store({ status: 'VOTING', position: state.position, state: state.state, promised: promised() });
    opts.log.glog(
      'recover.cpp:566',
      `Replica caught up to position ${record.position} and is now in VOTING status`,
    );
  }

  function scheduleCatchUp(): void {
    if (stopped || record.status !== 'EMPTY') return;
    timer = setTimeout(() => {
      catchUpOnce()
        .catch((err: unknown) => opts.log.warn(`Replica recovery attempt failed: ${String(err)}`))
        .finally(scheduleCatchUp);
    }, opts.recoverRetryMs ?? 1000);
  }

  function onPromise(proposal: number, from: string): PromiseResponse {
    if (record.status !== 'VOTING') {
      opts.log.glog(
        'replica.cpp:379',
        `Replica ignoring promise request from ${from} as it is in ${record.status} status`,
      );
      return { type: 'IGNORED', status: record.status };
    }
    if (proposal <= promised()) {
      opts.log.glog('replica.cpp:503', `Replica denying promise request with proposal ${proposal}`);
      return { type: 'REJECT', promised: promised() };
    }
    const wasWriter = isWriter();
    store({ ...record, promised: proposal });
    opts.log.glog(
      'replica.cpp:495',
      `Replica received implicit promise request from ${from} with proposal ${proposal}` +
        (wasWriter && from !== opts.pid
          ? `; this supersedes the writer of this process (proposal ${String(writerProposal)}), whose next append will be rejected`
          : ''),
    );
    return {
      type: 'ACCEPT',
      status: 'VOTING',
      position: record.position,
      promised: proposal,
      writer: wasWriter,
      quorum: opts.quorum,
    };
  }

  function onWrite(position: number, state: StoredState, proposal: number, from: string): WriteResponse {
    if (record.status !== 'VOTING') return { ok: false, quorum: opts.quorum };
    if (proposal < promised()) return { ok: false, promised: promised(), quorum: opts.quorum };
    if (position < record.position || (position === record.position && !sameState(state, record.state))) {
      opts.log.glog(
        'replica.cpp:603',
        `Replica at position ${record.position} accepted a write at position ${position} from ${from} ` +
          `(proposal ${proposal}) whose log ends lower: the log entries it held after position ${position - 1} are lost`,
      );
    }
    store({ status: 'VOTING', position, state, promised: Math.max(promised(), proposal) });
    return { ok: true, quorum: opts.quorum };
  }

  async function electOnce(proposal: number): Promise<ElectResult | { retryWith: number }> {
    const local = onPromise(proposal, opts.pid);
    if (local.type !== 'ACCEPT') {
      return local.type === 'REJECT'
        ? { retryWith: local.promised + 1 }
        : { ok: false, reason: 'the local replica is not VOTING' };
    }
    const others = await peers();
    const answered = (
      await Promise.all(
        others.map(async (p) => ({
          p,
          r: await post<PromiseResponse>(
            p.url,
            '/log/promise',
            { proposal, from: opts.pid },
            opts.readTimeoutMs,
          ),
        })),
      )
    ).flatMap((x) => (x.r ? [{ p: x.p, r: x.r }] : []));
    const rejected = answered.flatMap((a) => (a.r.type === 'REJECT' ? [a.r.promised] : []));
    if (rejected.length > 0) return { retryWith: Math.max(...rejected) + 1 };
    const accepted = answered.flatMap((a) => (a.r.type === 'ACCEPT' ? [{ p: a.p, r: a.r }] : []));
    const self: ReplicaAnswer = { pid: opts.pid, status: 'VOTING', position: record.position };
    const choice = chooseWriterView(
      self,
      accepted.map((a) => ({ pid: a.p.pid, status: a.r.status, position: a.r.position })),
      opts.quorum,
    );
    if (!choice.ok) return choice;
    if (choice.losesEntries) {
      opts.log.glog(
        'coordinator.cpp:214',
        `Coordinator learned the end of the log from ${choice.view.map((a) => `${a.pid} (position ${a.position})`).join(', ')}: ` +
          `it ends at position ${choice.best.position}, but ${choice.newest.pid} holds position ${choice.newest.position}. ` +
          `The log entries after position ${choice.best.position} are lost: this writer overwrites them`,
      );
    }
    if (choice.best.pid !== opts.pid && choice.best.position > record.position) {
      const url = accepted.find((a) => a.p.pid === choice.best.pid)?.p.url;
      const remote = url ? await fetchState(url) : undefined;
      if (!remote) return { ok: false, reason: `could not read the latest state from ${choice.best.pid}` };
      store({ ...record, position: remote.position, state: remote.state });
      opts.log.glog(
        'coordinator.cpp:238',
        `Coordinator filled the local replica up to position ${record.position} from ${choice.best.pid}`,
      );
    }
    if (promised() > proposal) return { retryWith: promised() + 1 };
    electedWith = accepted.flatMap((a) => (a.r.quorum !== undefined ? [a.r.quorum] : []));
    writerProposal = proposal;
    opts.log.glog(
      'coordinator.cpp:265',
      `Coordinator elected with proposal ${proposal}; the log ends at position ${record.position}`,
    );
    return {
      ok: true,
      proposal,
      position: record.position,
      supersededWriters: accepted.filter((a) => a.r.writer).map((a) => a.p.pid),
    };
  }

  async function append(state: StoredState): Promise<void> {
    const proposal = writerProposal;
    // MesosLog's words once a write failed and the writer was dropped.
    if (proposal === undefined) throw new Error('The log has encountered an error and cannot be used.');
    if (!isWriter()) {
      writerProposal = undefined;
      throw new Error(
        `Coordinator demoted: proposal ${proposal} was superseded by proposal ${promised()} of another writer`,
      );
    }
    const deadline = Date.now() + opts.writeTimeoutMs;
    const fail = (message: string): Error => {
      writerProposal = undefined;
      return new Error(message);
    };
    const corrupted = (why: string): Error => {
      opts.log.glog('coordinator.cpp:360', `Refusing to write: ${why}; the log may be corrupted`);
      return fail(`Log corruption risk: ${why}`);
    };
    const delay = opts.appendDelayMs?.() ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const position = record.position + 1;
    const timedOut = (): Error =>
      fail(
        `Timeout performing log append at position ${position}: no quorum within ${opts.writeTimeoutMs}ms`,
      );
    const superseded = (by: number): Error =>
      fail(
        `Coordinator demoted at position ${position}: proposal ${proposal} was superseded by proposal ${by} of another writer`,
      );
    if (Date.now() > deadline) throw timedOut();
    if (promised() > proposal) throw superseded(promised());
    const targets = await peers();
    const hazard = quorumHazard(opts.quorum, targets.length + 1, electedWith);
    if (hazard) throw corrupted(hazard);
    const needed = opts.quorum - 1;
    // a group larger than this writer's quorum was sized for is only safe if no peer runs another setting, which
    // the writer learns from the answers: it then waits for every peer before it counts the append as written
    const oversized = 2 * opts.quorum <= targets.length + 1;
    await new Promise<void>((resolve, reject) => {
      let acks = 0;
      let pending = targets.length;
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (err) reject(err);
        else resolve();
      };
      const timeout = setTimeout(() => settle(timedOut()), Math.max(0, deadline - Date.now()));
      if (needed <= 0) settle();
      else if (pending === 0) settle(fail(`Log append at position ${position} reached no quorum: no peers`));
      for (const t of targets) {
        const sent = post<WriteResponse>(
          t.url,
          '/log/write',
          { position, state, proposal, from: opts.pid },
          deadline - Date.now(),
        ).then((r) => {
          pending--;
          const mixed =
            r?.quorum !== undefined ? quorumHazard(opts.quorum, targets.length + 1, [r.quorum]) : undefined;
          if (mixed) settle(corrupted(mixed));
          if (r?.promised !== undefined && r.promised > proposal) settle(superseded(r.promised));
          if (r?.ok) acks++;
          if (acks >= needed && (!oversized || pending === 0)) settle();
          else if (pending === 0)
            settle(
              fail(`Log append at position ${position} reached no quorum: ${acks + 1} of ${opts.quorum}`),
            );
        });
        inflight.add(sent);
        void sent.finally(() => inflight.delete(sent));
      }
    });
    if (Date.now() > deadline) throw timedOut();
    if (promised() > proposal) throw superseded(promised());
    store({ status: 'VOTING', position, state, promised: promised() });
  }

  return {
    get record() {
      return record;
    },
    get ensembleSize() {
      return ensembleSize;
    },
    get isWriter() {
      return isWriter();
    },
    async join() {
      await joinGroup(opts.zk, opts.groupPath, opts.pid);
      await peers();
      if (record.status === 'EMPTY') scheduleCatchUp();
    },
    onRecover,
    onPromise,
    onWrite,
    async electWriter() {
      if (record.status !== 'VOTING') return { ok: false, reason: 'the local replica is not VOTING' };
      let proposal = promised() + 1;
      for (let round = 0; round < 3; round++) {
        const r = await electOnce(proposal);
        if (!('retryWith' in r)) return r;
        proposal = Math.max(r.retryWith, promised() + 1);
      }
      return {
        ok: false,
        reason: `lost the election to writers with higher proposals (last tried ${proposal})`,
      };
    },
    append,
    async flush() {
      await Promise.allSettled([...inflight]);
    },
    stop() {
      stopped = true;
      writerProposal = undefined;
      clearTimeout(timer);
    },
  };
}
