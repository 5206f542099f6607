// Pure breakdown of a restore's wall time: per step, the time the world was busy with what that step waits for
// (intrinsic) and the rest (operator overhead), plus the gaps between steps.

export interface StepTiming {
  step: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
}

/** Something outside the operator in progress, e.g. a pod stopping, as measured from the world. */
export interface WorldInterval {
  kind: WaitKind;
  startMs: number;
  endMs: number;
  /** e.g. the pod name */
  subject: string;
}

export type WaitKind =
  | 'pod-stop'
  | 'pod-start'
  | 'log-recovery'
  | 'leader-election'
  | 'storage-ready'
  | 'zk-session-expiry'
  | 'ready-probe'
  | 'framework-registration'
  | 'approval';

export interface BreakdownRow {
  step: string;
  wallS: number;
  intrinsicS: number;
  overheadS: number;
  /** the world waits that made up the intrinsic time, e.g. "pod-stop 4.1 s (3 pods)" */
  what: string;
}

export interface Breakdown {
  rows: BreakdownRow[];
  totalWallS: number;
  totalIntrinsicS: number;
  /** step overheads plus the gaps between steps */
  totalOverheadS: number;
}

/** Which world waits each step's postcondition depends on; steps not listed wait on nothing outside the operator. */
export const STEP_WAITS: Readonly<Record<string, readonly WaitKind[]>> = {
  StopSchedulers: ['pod-stop'],
  Recover: ['pod-stop', 'pod-start'],
  StartSchedulers: ['pod-start'],
  FindLeader: ['pod-start', 'log-recovery', 'leader-election', 'zk-session-expiry'],
  // stageRecovery and commitRecovery are sent only once the leader's storage answers (Aurora: "Storage is not READY")
  StageRecovery: ['storage-ready'],
  Approval: ['approval'],
  // commitRecovery makes the leader exit; the commit is verified on the scheduler that leads after it
  Commit: ['pod-start', 'log-recovery', 'leader-election', 'storage-ready', 'zk-session-expiry'],
  RestoreConfiguration: ['pod-stop', 'pod-start'],
  StartQuorum: ['pod-start', 'log-recovery', 'zk-session-expiry'],
  SnapshotQuorum: ['log-recovery', 'leader-election', 'storage-ready', 'zk-session-expiry'],
  StartAll: ['pod-start', 'log-recovery', 'zk-session-expiry'],
  WaitReady: [
    'pod-stop',
    'pod-start',
    'log-recovery',
    'leader-election',
    'storage-ready',
    'zk-session-expiry',
    'ready-probe',
    'framework-registration',
  ],
  MarkSucceeded: ['pod-start'],
};

type Span = [number, number];

/** unionMs: the length of the union of spans, each clipped to [from, to]. */
export function unionMs(spans: readonly Span[], from: number, to: number): number {
  const clipped = spans
    .map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: Span | undefined;
  for (const s of clipped) {
    if (cur && s[0] <= cur[1]) cur[1] = Math.max(cur[1], s[1]);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [s[0], s[1]];
    }
  }
  return cur ? total + cur[1] - cur[0] : total;
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

function describe(intervals: readonly WorldInterval[], from: number, to: number): string {
  const kinds = [...new Set(intervals.map((i) => i.kind))];
  return kinds
    .map((kind) => {
      const mine = intervals.filter((i) => i.kind === kind);
      const ms = unionMs(
        mine.map((i) => [i.startMs, i.endMs]),
        from,
        to,
      );
      const subjects = new Set(mine.filter((i) => i.endMs > from && i.startMs < to).map((i) => i.subject));
      return ms > 0 ? `${kind} ${seconds(ms)} s (${[...subjects].sort().join(',')})` : '';
    })
    .filter(Boolean)
    .join('; ');
}

/**
 * breakdown: intrinsic time of a step is the union of the world intervals it waits on, clipped to the step;
 * overhead is the rest of the step, floored at 0, and each gap between one step's finish and the next's start
 * is overhead of its own row.
 */
export function breakdown(
  steps: readonly StepTiming[],
  world: readonly WorldInterval[],
  waits: Readonly<Record<string, readonly WaitKind[]>> = STEP_WAITS,
): Breakdown {
  const rows: BreakdownRow[] = [];
  let previousEnd: number | undefined;
  for (const s of steps) {
    if (!s.startedAt || !s.finishedAt) continue;
    const start = Date.parse(s.startedAt);
    const end = Date.parse(s.finishedAt);
    if (previousEnd !== undefined && start > previousEnd) {
      const gap = seconds(start - previousEnd);
      rows.push({ step: `(gap → ${s.step})`, wallS: gap, intrinsicS: 0, overheadS: gap, what: '' });
    }
    const relevant = world.filter((w) => (waits[s.step] ?? []).includes(w.kind));
    const intrinsicMs = unionMs(
      relevant.map((w) => [w.startMs, w.endMs]),
      start,
      end,
    );
    const wallMs = Math.max(0, end - start);
    rows.push({
      step: s.step,
      wallS: seconds(wallMs),
      intrinsicS: seconds(intrinsicMs),
      overheadS: seconds(Math.max(0, wallMs - intrinsicMs)),
      what: describe(relevant, start, end),
    });
    previousEnd = Math.max(previousEnd ?? end, end);
  }
  const sum = (f: (r: BreakdownRow) => number): number =>
    Math.round(rows.reduce((a, r) => a + f(r), 0) * 10) / 10;
  return {
    rows,
    totalWallS: sum((r) => r.wallS),
    totalIntrinsicS: sum((r) => r.intrinsicS),
    totalOverheadS: sum((r) => r.overheadS),
  };
}

export function formatBreakdown(title: string, b: Breakdown): string {
  const line = (cells: string[]): string =>
    `${cells[0]!.padEnd(30)} ${cells[1]!.padStart(7)} ${cells[2]!.padStart(11)} ${cells[3]!.padStart(10)}  ${cells[4]}`;
  return [
    title,
    line(['step', 'wall s', 'intrinsic s', 'overhead s', 'what the intrinsic wait was']),
    ...b.rows.map((r) =>
      line([r.step, r.wallS.toFixed(1), r.intrinsicS.toFixed(1), r.overheadS.toFixed(1), r.what]),
    ),
    line([
      'total',
      b.totalWallS.toFixed(1),
      b.totalIntrinsicS.toFixed(1),
      b.totalOverheadS.toFixed(1),
      'approval (human) is counted as intrinsic',
    ]),
  ].join('\n');
}
