// What a replica learns about the end of the log, modelled deterministically and pessimistically.
//
// Mesos' coordinator (and an EMPTY replica catching up) broadcasts to every replica and goes on with the FIRST
// quorum of answers; the end of the log is the highest end position among those answers only. Which answers come
// first is timing, so the simulator assumes the worst: the quorum is made of the LOWEST-positioned VOTING replicas
// that answered (the writer's own replica is always part of its quorum, as a local message always arrives).
// Whenever a committed write is on a quorum of honest replicas, any quorum still contains it; replicas that were
// wiped and re-initialized (VOTING at position 0) are not honest, and can make up a quorum that has never seen it.
import type { ReplicaStatus } from './log-store.ts';

export interface ReplicaAnswer {
  /** libprocess PID of the replica that answered. */
  pid: string;
  status: ReplicaStatus;
  position: number;
}

export type WriterView =
  | {
      ok: true;
      /** The answers the writer learns the end of the log from: itself first, then (quorum-1) peers. */
      view: ReplicaAnswer[];
      /** Highest position in the view: the state the writer adopts (itself on a tie). */
      best: ReplicaAnswer;
      /** Highest position among every VOTING answer, including those left out of the view. */
      newest: ReplicaAnswer;
      /** The view ends lower than a replica that answered: that replica's newer entries will be overwritten. */
      losesEntries: boolean;
    }
  | { ok: false; reason: string };

const byPositionThenPid = (a: ReplicaAnswer, b: ReplicaAnswer): number =>
  a.position - b.position || (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0);

const highest = (answers: readonly ReplicaAnswer[]): ReplicaAnswer | undefined =>
  answers.reduce<ReplicaAnswer | undefined>(
    (best, a) => (!best || a.position > best.position ? a : best),
    undefined,
  );

/**
 * The writer election rule: the writer's own replica (it must be VOTING) plus the (quorum-1) lowest-positioned
 * VOTING peers that answered. EMPTY peers do not vote and never count.
 */
export function chooseWriterView(
  self: ReplicaAnswer,
  answers: readonly ReplicaAnswer[],
  quorum: number,
): WriterView {
  if (self.status !== 'VOTING') return { ok: false, reason: 'the local replica is not VOTING' };
  const peers = answers.filter((a) => a.status === 'VOTING' && a.pid !== self.pid).sort(byPositionThenPid);
  const needed = Math.max(0, quorum - 1);
  if (peers.length < needed) {
    return {
      ok: false,
      reason: `${peers.length + 1} of quorum ${quorum} VOTING replicas reachable`,
    };
  }
  const view = [self, ...peers.slice(0, needed)];
  const best = highest(view) ?? self;
  const newest = highest([self, ...peers]) ?? self;
  return { ok: true, view, best, newest, losesEntries: newest.position > best.position };
}

/**
 * Catch-up of an EMPTY replica: it needs answers from a quorum of VOTING replicas (its own EMPTY answer does not
 * count) and copies the highest state among the quorum's lowest-positioned ones. Undefined: not enough VOTING yet.
 */
export function chooseCatchUpSource(
  answers: readonly ReplicaAnswer[],
  quorum: number,
): ReplicaAnswer | undefined {
  const voting = answers.filter((a) => a.status === 'VOTING').sort(byPositionThenPid);
  if (voting.length < Math.max(1, quorum)) return undefined;
  return highest(voting.slice(0, Math.max(1, quorum)));
}
