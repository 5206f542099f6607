// Command-line options of `npm run soak`; --smoke is the CI run of 3 minutes.
export interface SoakOptions {
  minutes: number;
  /** the nemesis's seed; printed so a run can be replayed */
  seed: number;
  /** each fault and restore must be followed by a Ready cluster within this many seconds */
  recoveryBoundS: number;
  /** the leading operator's resident memory may grow by at most this fraction */
  rssTolerance: number;
  /** seconds between two createJob calls of the load */
  jobIntervalS: number;
  /** the lane (1–9) of the environment's loopback addresses: lane 0 is the CI smoke's, so a long soak can run beside it */
  lane: number;
}

export const USAGE =
  'usage: node bench/soak.ts [--minutes N | --smoke] [--seed S] [--recovery-bound-s B] [--job-interval-s J] [--lane L]';

const SMOKE_MINUTES = 3;

function integer(flag: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(n) || n < min)
    throw new Error(`${flag} needs an integer >= ${min}`);
  return n;
}

/** parses argv (without node and the script); the seed defaults to one drawn from the clock */
export function parseSoakArgs(argv: readonly string[], defaultSeed: number): SoakOptions {
  const opts: SoakOptions = {
    minutes: 60,
    seed: defaultSeed,
    recoveryBoundS: 120,
    rssTolerance: 0.2,
    jobIntervalS: 5,
    lane: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--minutes') opts.minutes = integer(flag, value(), 1);
    else if (flag === '--smoke') opts.minutes = SMOKE_MINUTES;
    else if (flag === '--seed') opts.seed = integer(flag, value(), 0);
    else if (flag === '--recovery-bound-s') opts.recoveryBoundS = integer(flag, value(), 10);
    else if (flag === '--job-interval-s') opts.jobIntervalS = integer(flag, value(), 1);
    else if (flag === '--lane') opts.lane = Math.min(integer(flag, value(), 0), 9);
    else throw new Error(`unknown option ${arg}`);
  }
  return opts;
}
