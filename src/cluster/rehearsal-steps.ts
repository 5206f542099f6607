// The step table of a rehearsal restore and its pure plan: start it (checkpoint first, only when due and the
// cluster is Ready and not restoring or scaling), resume it from status.backups.rehearsal after any crash, end it
// with an outcome on failure, timeout or abort, and always finish by deleting every object it created.
import type {
  AuroraCluster,
  RehearsalFailure,
  RehearsalStatus,
  RehearsalStep,
} from '../api/aurora-cluster.ts';
import { nextStep, type StepDef } from '../controller/steps.ts';
import type { NewestBackup } from '../agent/newest-backup.ts';
import { planRehearsalDue } from './rehearsal-schedule.ts';

/** A rehearsal that has not compared its tasks this long after it started fails with RehearsalTimedOut. */
export const REHEARSAL_TIMEOUT_MS = 15 * 60_000;

export interface RehearsalPodView {
  uid: string;
  podIP?: string | undefined;
  deleting: boolean;
  agentReady: boolean;
  /** the scheduler container ended; with restartPolicy Never it stays ended */
  schedulerExit?: { exitCode: number; reason?: string | undefined } | undefined;
}

/** What one pass saw of the rehearsal's own objects, read only while a rehearsal runs. */
export interface RehearsalWorld {
  checkpoint: RehearsalStatus;
  pod: RehearsalPodView | undefined;
  networkPolicy: boolean;
  zkNodes: boolean;
  /** the rehearsal pod's agent lists the backup */
  placed: boolean;
  /** the rehearsal scheduler's lifecycle state from /vars */
  lifecycle?: string | undefined;
  /** why the rehearsal would not be isolated from the live cluster (rehearsal-isolation.ts) */
  isolationProblem?: string | undefined;
}

export type RehearsalAction =
  | { kind: 'none' }
  /** reads the backup's summary (readability, task count), removes stale rehearsal nodes, applies the policy */
  | { kind: 'isolate' }
  | { kind: 'create-pod' }
  | { kind: 'copy-backup'; host: string }
  /** reads the tasks back from the rehearsal scheduler and compares them with the backup's summary */
  | { kind: 'compare'; host: string }
  | { kind: 'clean-up' };

export interface Outcome {
  verified: boolean;
  reason: string;
  message: string;
}

interface Decision {
  action: RehearsalAction;
  message: string;
  outcome?: Outcome;
}

interface RehearsalStepDef extends StepDef<RehearsalWorld> {
  readonly name: RehearsalStep;
  decide(w: RehearsalWorld): Decision;
}

const NONE: RehearsalAction = { kind: 'none' };

export function failure(reason: RehearsalFailure, message: string): Outcome {
  return { verified: false, reason, message };
}

function exited(w: RehearsalWorld): Outcome | undefined {
  const exit = w.pod?.schedulerExit;
  if (!exit) return undefined;
  return failure(
    'SchedulerWouldNotStart',
    `the rehearsal scheduler of ${w.checkpoint.backup} exited with code ${exit.exitCode}` +
      `${exit.reason ? ` (${exit.reason})` : ''} before its storage was READY; see its scheduler container log`,
  );
}

const STEPS: readonly RehearsalStepDef[] = [
  {
    name: 'Isolate',
    done: (w) => w.networkPolicy && w.checkpoint.tasks !== undefined,
    decide: (w) =>
      w.isolationProblem
        ? {
            action: NONE,
            message: 'refused',
            outcome: failure('RehearsalRefused', `rehearsal refused: ${w.isolationProblem}`),
          }
        : { action: { kind: 'isolate' }, message: 'decoding the backup and isolating the rehearsal' },
  },
  {
    name: 'StartScheduler',
    done: (w) => w.pod !== undefined,
    decide: () => ({ action: { kind: 'create-pod' }, message: 'creating the rehearsal pod' }),
  },
  {
    name: 'PlaceBackup',
    done: (w) => w.placed,
    decide: (w) => {
      const gone = exited(w);
      if (gone) return { action: NONE, message: 'exited', outcome: gone };
      const host = w.pod?.podIP;
      if (!host || !w.pod?.agentReady) return { action: NONE, message: 'waiting for the rehearsal agent' };
      return { action: { kind: 'copy-backup', host }, message: `copying ${w.checkpoint.backup}` };
    },
  },
  {
    name: 'AwaitStorage',
    // storage is started before registration is awaited (SchedulerLifecycle), so this state means READY
    done: (w) => w.lifecycle === 'LEADER_AWAITING_REGISTRATION',
    decide: (w) => {
      const gone = exited(w);
      if (gone) return { action: NONE, message: 'exited', outcome: gone };
      return { action: NONE, message: `waiting for storage READY (lifecycle ${w.lifecycle ?? 'unknown'})` };
    },
  },
  {
    name: 'Compare',
    done: (w) => w.checkpoint.outcome !== undefined,
    decide: (w) => {
      const gone = exited(w);
      if (gone) return { action: NONE, message: 'exited', outcome: gone };
      return { action: { kind: 'compare', host: w.pod?.podIP ?? '' }, message: 'reading the tasks back' };
    },
  },
  {
    name: 'CleanUp',
    done: (w) => w.pod === undefined && !w.networkPolicy && !w.zkNodes,
    decide: () => ({ action: { kind: 'clean-up' }, message: 'deleting the rehearsal objects' }),
  },
];

export interface RehearsalInput {
  cluster: AuroraCluster;
  /** observed only while status.backups.rehearsal exists */
  world: RehearsalWorld | undefined;
  newestBackup: NewestBackup | undefined;
  /** why no rehearsal may run now (a restore, a scaling change): a running one is abandoned */
  blockedBy: string | undefined;
  /** why none may start now (the cluster is not Ready); a running one carries on */
  notReady?: string | undefined;
  isolationProblem: string | undefined;
  now: Date;
}

export interface RehearsalPlan {
  /** status.backups.rehearsal after this pass, before the action's result is folded in */
  checkpoint: RehearsalStatus | undefined;
  action: RehearsalAction;
  /** the rehearsal that ended this pass (everything it created is gone) */
  finished?: RehearsalStatus | undefined;
}

const IDLE: RehearsalPlan = { checkpoint: undefined, action: NONE };

function start(input: RehearsalInput): RehearsalPlan {
  const { newestBackup, now } = input;
  if (input.blockedBy || input.notReady || !newestBackup || !planRehearsalDue(input)) return IDLE;
  const base = {
    backup: newestBackup.name,
    ...(newestBackup.replica ? { replica: newestBackup.replica } : {}),
    startedAt: now.toISOString(),
  };
  // refused before anything exists: the result is final at once
  if (input.isolationProblem) {
    const outcome = failure('RehearsalRefused', `rehearsal refused: ${input.isolationProblem}`);
    return { checkpoint: undefined, action: NONE, finished: { ...base, phase: 'Planned', outcome } };
  }
  // the checkpoint is written before any object is created, so a crash anywhere later resumes or cleans up
  return { checkpoint: { ...base, phase: 'Planned' }, action: NONE };
}

function cleanUp(saved: RehearsalStatus, outcome: Outcome | undefined): RehearsalPlan {
  const { outcome: _old, ...rest } = saved;
  return {
    checkpoint: { ...rest, phase: 'CleanUp', ...(outcome ? { outcome } : {}) },
    action: { kind: 'clean-up' },
  };
}

/** planRehearsal: idle, a rehearsal starting, its next step, or its end once everything it created is gone. */
export function planRehearsal(input: RehearsalInput): RehearsalPlan {
  const saved = input.cluster.status?.backups?.rehearsal;
  if (!saved || !input.world) return saved ? { checkpoint: saved, action: NONE } : start(input);
  const w: RehearsalWorld = { ...input.world, checkpoint: saved, isolationProblem: input.isolationProblem };
  if (saved.phase !== 'CleanUp') {
    // a restore or a scaling change wins: the rehearsal is abandoned without a result and tried again later
    if (input.blockedBy) return cleanUp(saved, undefined);
    const elapsed = input.now.getTime() - Date.parse(saved.startedAt);
    if (elapsed > REHEARSAL_TIMEOUT_MS) {
      const minutes = Math.round(REHEARSAL_TIMEOUT_MS / 60_000);
      return cleanUp(
        saved,
        failure(
          'RehearsalTimedOut',
          `the rehearsal of ${saved.backup} did not finish within ${minutes} minutes (step ${saved.phase})`,
        ),
      );
    }
  }
  const at = Math.max(
    0,
    STEPS.findIndex((s) => s.name === saved.phase),
  );
  const choice = nextStep(STEPS.slice(at), w, 'unrecorded');
  if (choice.kind === 'complete') return { checkpoint: undefined, action: NONE, finished: saved };
  const decision = choice.step.decide(w);
  if (decision.outcome) return cleanUp(saved, decision.outcome);
  return { checkpoint: { ...saved, phase: choice.step.name }, action: decision.action };
}
