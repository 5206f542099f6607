// The benchmark's local environment (own ZooKeeper address and pod subnet, audit log on) and what it reads from it:
// the leading operator's metrics and the CPU time of helper processes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, type ToolContext } from '../test/world/local-env/kubectl.ts';
import {
  OPERATOR_NAMESPACE,
  readLocalEnvState,
  startLocalEnv,
  stopLocalEnv,
  type LocalEnvState,
} from '../test/world/local-env/local-env.ts';
import { createLogger } from '../src/log.ts';

// apart from every e2e suite (127.0.3.2–17, subnets 2 and 22–37) so the bench can run beside them
export const BENCH_ZOOKEEPER_HOST = '127.0.3.40';
export const BENCH_POD_SUBNET = 60;

export interface FleetEnv {
  state: LocalEnvState;
  ctx: ToolContext;
  auditLog: string;
  kubectl(args: readonly string[], input?: string): Promise<string>;
}

export function newStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'aurora-bench-fleet-'));
}

export async function startFleetEnv(stateDir: string, fleet: boolean): Promise<FleetEnv> {
  const auditLog = join(stateDir, 'audit.log');
  const state = await startLocalEnv({
    stateDir,
    zookeeperHost: BENCH_ZOOKEEPER_HOST,
    podSubnet: BENCH_POD_SUBNET,
    installOperator: true,
    operatorReplicas: 2,
    fleet,
    auditLog,
    log: createLogger('bench-fleet', process.env['BENCH_LOG_LEVEL'] ?? 'warn'),
  });
  const ctx = { binDir: state.binDir, kubeconfigPath: state.kubeconfigPath };
  return { state, ctx, auditLog, kubectl: (args, input) => kubectl(ctx, args, input) };
}

/** stops whatever the state file in stateDir records, also when startLocalEnv was interrupted half-way */
export async function stopFleetEnv(stateDir: string): Promise<void> {
  const state = readLocalEnvState(stateDir);
  if (state) await stopLocalEnv(state);
}

/** the leading operator's /metrics text (the replica whose aurora_operator_leader is 1) */
export async function leaderMetrics(env: FleetEnv): Promise<string> {
  const ips = await env.kubectl([
    '-n',
    OPERATOR_NAMESPACE,
    'get',
    'pods',
    '-o',
    'jsonpath={.items[*].status.podIP}',
  ]);
  for (const ip of ips.split(/\s+/).filter(Boolean)) {
    const body = await fetch(`http://${ip}:8080/metrics`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.text())
      .catch(() => '');
    if (/^aurora_operator_leader 1$/m.test(body)) return body;
  }
  throw new Error('no leading operator answers /metrics');
}

/** one unlabelled sample of a metric, e.g. the default `process_cpu_seconds_total` */
export function metricValue(body: string, metric: string): number {
  const value = new RegExp(`^${metric} (\\S+)$`, 'm').exec(body)?.[1];
  if (value === undefined) throw new Error(`metric ${metric} not found`);
  return Number(value);
}

/** sum of a labelled counter's samples whose labels include the given text */
export function counterSum(body: string, metric: string, labelText: string): number {
  return [...body.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
    .filter((m) => (m[1] ?? '').includes(labelText))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}

let clockTicks: number | undefined;

/** user + system CPU seconds of one process (not of its children), or undefined when it is gone */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14, 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}
