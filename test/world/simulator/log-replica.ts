// One replica of the simulated replicated log: catch-up of EMPTY replicas, writer election, quorum writes.
import { groupMembers, joinGroup, pidToUrl } from './log-group.ts';
import {
  readReplica,
  writeReplica,
  type ReplicaRecord,
  type ReplicaStatus,
  type StoredState,
} from './log-store.ts';
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
}

export interface RecoverResponse {
  status: ReplicaStatus;
  position: number;
}

export interface Replica {
  readonly record: ReplicaRecord;
  readonly ensembleSize: number;
  join(): Promise<void>;
  /** Incoming libprocess messages. */
  onRecover(): RecoverResponse;
  onWrite(position: number, state: StoredState): { ok: boolean };
  /** Coordinator election: true once a quorum of VOTING replicas answered and we hold the latest state. */
  electWriter(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Appends a new full state; resolves once a quorum stored it. */
  append(state: StoredState): Promise<void>;
  stop(): void;
}

export function createReplica(opts: ReplicaOptions): Replica {
  let record = readReplica(opts.dir);
  let ensembleSize = 1;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

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
        signal: AbortSignal.timeout(timeoutMs),
      });
      return res.ok ? ((await res.json()) as T) : undefined;
    } catch {
      return undefined;
    }
  };

  const peerUrls = async (): Promise<string[]> => {
    const pids = await groupMembers(opts.zk, opts.groupPath);
    ensembleSize = Math.max(1, pids.length);
    return pids.filter((p) => p !== opts.pid).flatMap((p) => pidToUrl(p) ?? []);
  };

  const onRecover = (): RecoverResponse => {
    if (record.status === 'EMPTY') {
      opts.log.glog('replica.cpp:638', 'Replica in EMPTY status received a broadcasted recover request');
    }
    return { status: record.status, position: record.position };
  };

  const broadcastRecover = async (): Promise<{ url: string | null; r: RecoverResponse }[]> => {
    const urls = await peerUrls();
    const remote = await Promise.all(
      urls.map(async (url) => ({
        url,
        r: await post<RecoverResponse>(url, '/log/recover', {}, opts.readTimeoutMs),
      })),
    );
    const answers = [{ url: null, r: onRecover() }, ...remote.filter((x) => x.r !== undefined)];
    return answers as { url: string | null; r: RecoverResponse }[];
  };

  const fetchState = async (url: string): Promise<ReplicaRecord | undefined> =>
    post<ReplicaRecord>(url, '/log/state', {}, opts.readTimeoutMs);

  async function catchUpOnce(): Promise<void> {
    const answers = await broadcastRecover();
    for (const a of answers) {
      if (a.r.status === 'EMPTY') {
        opts.log.glog('recover.cpp:188', 'Received a recover response from a replica in EMPTY status');
      }
    }
    const voting = answers.filter((a) => a.r.status === 'VOTING' && a.url !== null);
    if (voting.length < opts.quorum) return;
    const best = voting.reduce((a, b) => (b.r.position > a.r.position ? b : a));
    const remote = best.url ? await fetchState(best.url) : undefined;
    if (!remote || stopped || record.status !== 'EMPTY') return;
    record = { status: 'VOTING', position: remote.position, state: remote.state };
    writeReplica(opts.dir, record);
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

  return {
    get record() {
      return record;
    },
    get ensembleSize() {
      return ensembleSize;
    },
    async join() {
      await joinGroup(opts.zk, opts.groupPath, opts.pid);
      await peerUrls();
      if (record.status === 'EMPTY') scheduleCatchUp();
    },
    onRecover,
    onWrite(position, state) {
      if (record.status !== 'VOTING') return { ok: false };
      if (position > record.position) {
        record = { status: 'VOTING', position, state };
        writeReplica(opts.dir, record);
      }
      return { ok: true };
    },
    async electWriter() {
      if (record.status !== 'VOTING') return { ok: false, reason: 'the local replica is not VOTING' };
      const answers = await broadcastRecover();
      const voting = answers.filter((a) => a.r.status === 'VOTING');
      if (voting.length < opts.quorum) {
        return { ok: false, reason: `${voting.length} of quorum ${opts.quorum} VOTING replicas reachable` };
      }
      const best = voting.reduce((a, b) => (b.r.position > a.r.position ? b : a));
      if (best.url && best.r.position > record.position) {
        const remote = await fetchState(best.url);
        if (!remote) return { ok: false, reason: 'could not read the latest state from a peer' };
        record = { status: 'VOTING', position: remote.position, state: remote.state };
        writeReplica(opts.dir, record);
      }
      return { ok: true };
    },
    async append(state) {
      const position = record.position + 1;
      record = { status: 'VOTING', position, state };
      writeReplica(opts.dir, record);
      const urls = await peerUrls();
      const needed = opts.quorum - 1;
      if (needed <= 0) return;
      await new Promise<void>((resolve, reject) => {
        let acks = 0;
        let pending = urls.length;
        const fail = (): void => reject(new Error(`Log append at position ${position} reached no quorum`));
        const timeout = setTimeout(fail, opts.writeTimeoutMs);
        if (pending === 0) fail();
        for (const url of urls) {
          void post<{ ok: boolean }>(url, '/log/write', { position, state }, opts.writeTimeoutMs).then(
            (r) => {
              pending--;
              if (r?.ok) acks++;
              if (acks >= needed) {
                clearTimeout(timeout);
                resolve();
              } else if (pending === 0) {
                clearTimeout(timeout);
                fail();
              }
            },
          );
        }
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
