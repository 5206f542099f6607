// Startup, liveness and readiness probes with the kubelet's thresholds: httpGet, tcpSocket and exec (inside the container).
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { hostProgram } from './container-root.ts';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeTarget {
  podIP: string;
  container: V1Container;
  env: Record<string, string>;
  /** The running container's main process, whose namespaces and root an exec probe enters. */
  containerPid: () => number | undefined;
}

// keep-alive off and no certificate checks, as the kubelet's prober
const probeAgent = new Agent({ pipelining: 0, connect: { rejectUnauthorized: false } });

function resolvePort(port: number | string, container: V1Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`port "${port}" is not a named port of container ${container.name}`);
  return named.containerPort;
}

async function httpProbe(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const get = probe.httpGet!;
  const scheme = (get.scheme ?? 'HTTP').toLowerCase();
  const host = get.host || target.podIP;
  const pathPart = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const url = `${scheme}://${host}:${resolvePort(get.port as number | string, target.container)}${pathPart}`;
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.35', accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  const res = await request(url, {
    method: 'GET',
    headers,
    dispatcher: probeAgent,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body.dump();
  return res.statusCode >= 200 && res.statusCode < 400;
}

function tcpProbe(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const port = resolvePort(probe.tcpSocket!.port as number | string, target.container);
  return new Promise((resolve) => {
    const socket = net.connect({ host: probe.tcpSocket!.host || target.podIP, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('connect', () => finish(true));
    socket.on('error', () => finish(false));
  });
}

function execProbe(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  const pid = target.containerPid();
  if (pid === undefined) return Promise.resolve(false);
  // the command runs in the container's mount and UTS namespaces, its root and working directory
  const args = ['-t', String(pid), '-m', '-u', '-r', '-w', '--', ...(probe.exec?.command ?? [])];
  return new Promise((resolve) => {
    const child = spawn(hostProgram('nsenter'), args, { env: target.env, detached: true, stdio: 'ignore' });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left in the group
        }
      }
      resolve(code === 0);
    });
  });
}

/** Runs one probe attempt; errors and timeouts count as failures. */
export async function runProbe(probe: V1Probe, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) return await httpProbe(probe, target, timeoutMs);
    if (probe.tcpSocket) return await tcpProbe(probe, target, timeoutMs);
    if (probe.exec) return await execProbe(probe, target, timeoutMs);
  } catch {
    return false;
  }
  return false;
}

/** Repeats a probe every period and reports when its thresholded result flips. */
export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private result: boolean;
  private readonly kind: ProbeKind;
  private readonly probe: V1Probe;
  private readonly target: ProbeTarget;
  private readonly onChange: (kind: ProbeKind, ok: boolean) => void;

  constructor(
    kind: ProbeKind,
    probe: V1Probe,
    target: ProbeTarget,
    onChange: (kind: ProbeKind, ok: boolean) => void,
  ) {
    this.kind = kind;
    this.probe = probe;
    this.target = target;
    this.onChange = onChange;
    // readiness starts false until proven; liveness starts true; startup has no result until it succeeds
    this.result = kind === 'liveness';
  }

  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const ok = await runProbe(this.probe, this.target);
    if (this.stopped) return;
    if (ok) {
      this.successes++;
      this.failures = 0;
    } else {
      this.failures++;
      this.successes = 0;
    }
    const successThreshold = this.kind === 'readiness' ? (this.probe.successThreshold ?? 1) : 1;
    const failed = !ok && this.failures >= (this.probe.failureThreshold ?? 3);
    if (ok && !this.result && this.successes >= successThreshold) this.flip(true);
    // a failing startup probe has no earlier success to flip from, yet its failure must still kill the container
    else if (failed && (this.result || this.kind !== 'readiness')) this.flip(false);
    // startup stops once it succeeded; liveness and startup stop on failure because the container gets killed
    if ((this.kind === 'startup' && this.result) || (failed && this.kind !== 'readiness')) return;
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
  }

  private flip(ok: boolean): void {
    this.result = ok;
    this.onChange(this.kind, ok);
  }
}
