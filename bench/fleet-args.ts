// Command-line options of `npm run bench:fleet`; --smoke sets small defaults that explicit flags still override.
export interface FleetOptions {
  clusters: number;
  replicas: number;
  fleet: boolean;
  idleSeconds: number;
  leaderSamples: number;
  json?: string;
  strict: boolean;
  smoke: boolean;
  /** one Staged and one Offline restore on a fleet cluster, broken down per step */
  restores: boolean;
}

export const USAGE = [
  'usage: node bench/fleet.ts [--clusters N] [--replicas R] [--fleet|--no-fleet] [--idle-seconds S]',
  '                           [--leader-samples K] [--json FILE] [--strict] [--smoke] [--no-restores]',
].join('\n');

const DEFAULTS: FleetOptions = {
  clusters: 100,
  replicas: 3,
  fleet: true,
  idleSeconds: 120,
  leaderSamples: 5,
  strict: false,
  smoke: false,
  restores: true,
};
const SMOKE: Partial<FleetOptions> = {
  clusters: 4,
  idleSeconds: 30,
  leaderSamples: 2,
  fleet: true,
  restores: false,
};
const NUMERIC = {
  '--clusters': 'clusters',
  '--replicas': 'replicas',
  '--idle-seconds': 'idleSeconds',
  '--leader-samples': 'leaderSamples',
} as const;

function count(flag: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min)
    throw new Error(`${flag} needs an integer >= ${min}`);
  return n;
}

/** parses argv (without node and the script); throws on an unknown flag or a bad value */
export function parseFleetArgs(argv: readonly string[]): FleetOptions {
  const given: Partial<FleetOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag in NUMERIC) {
      const key = NUMERIC[flag as keyof typeof NUMERIC];
      given[key] = count(flag, value(), key === 'idleSeconds' || key === 'leaderSamples' ? 0 : 1);
    } else if (flag === '--fleet') given.fleet = true;
    else if (flag === '--no-fleet') given.fleet = false;
    else if (flag === '--strict') given.strict = true;
    else if (flag === '--smoke') given.smoke = true;
    else if (flag === '--restores') given.restores = true;
    else if (flag === '--no-restores') given.restores = false;
    else if (flag === '--json') {
      const file = value();
      if (!file) throw new Error('--json needs a file');
      given.json = file;
    } else throw new Error(`unknown option ${arg}`);
  }
  const opts = { ...DEFAULTS, ...(given.smoke ? SMOKE : {}), ...given };
  if (opts.replicas % 2 === 0) throw new Error('--replicas must be odd (an AuroraCluster keeps a quorum)');
  return opts;
}
