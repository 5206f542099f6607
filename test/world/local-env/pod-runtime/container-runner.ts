// Supervises one container of a pod: starts instances, runs its probes, restarts it per policy with backoff.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { V1Container, V1ContainerStatus, V1Probe } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import { BrokenImageError, ImageNotFoundError } from '../images.ts';
import { RestartBackoff, type BackoffPolicy } from './backoff.ts';
import type { ContainerStatusJson, TerminatedState } from './container-status.ts';
import type { ContainerExit, ContainerHandle, ContainerSpawnSpec } from './container-process.ts';
import type { ContainerLauncher } from './fleet-client.ts';
import { ContainerConfigError } from './field-ref.ts';
import { errorMessage, rfc3339 } from './kube.ts';
import { startLogClock } from './log-clock.ts';
import { ProbeWorker, type ProbeKind, type ProbeTarget } from './probes.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** Everything needed to start one instance; built fresh for every start so env and volumes are current. */
export interface StartPlan {
  spawn: Omit<ContainerSpawnSpec, 'logFile' | 'pidFile'>;
  imageID: string;
  probeTarget: ProbeTarget;
}

export interface RunnerContext {
  logDir: string;
  runDir: string;
  podRef: string;
  backoff: BackoffPolicy;
  log: Logger;
  plan(container: V1Container): Promise<StartPlan>;
  launch: ContainerLauncher;
  /** Grace period for kills caused by probes. */
  probeGraceSeconds(probe: V1Probe): number;
  onChange(): void;
}

type RunResult = ContainerExit | 'stopped' | 'not-started';

export class ContainerRunner {
  readonly status: ContainerStatusJson;
  private readonly container: V1Container;
  private readonly ctx: RunnerContext;
  private readonly backoff: RestartBackoff;
  private process: ContainerHandle | undefined;
  private probes: ProbeWorker[] = [];
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    container: V1Container,
    ctx: RunnerContext,
    previous: V1ContainerStatus | undefined,
    waiting: string,
  ) {
    this.container = container;
    this.ctx = ctx;
    this.backoff = new RestartBackoff(ctx.backoff);
    const ranBefore = previous?.containerID !== undefined;
    this.status = {
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      started: false,
      ready: false,
      // containers the runtime ran before it restarted count as restarted, as after a node reboot
      restartCount: (previous?.restartCount ?? 0) + (ranBefore ? 1 : 0),
      state: { waiting: { reason: waiting } },
      lastState:
        (previous?.state?.terminated ?? previous?.lastState?.terminated)
          ? {
              terminated: (previous.state?.terminated ??
                previous.lastState?.terminated) as unknown as TerminatedState,
            }
          : {},
    };
  }

  /** Runs until the container is done for good; resolves with the last exit code (undefined when stopped). */
  async supervise(policy: RestartPolicy, init: boolean): Promise<number | undefined> {
    for (;;) {
      const result = await this.runOnce();
      if (result === 'stopped' || this.stopping) return undefined;
      if (result === 'not-started') {
        await this.sleep(5000);
        continue;
      }
      if (init && result.exitCode === 0) return 0;
      if (policy === 'Never' || (policy === 'OnFailure' && result.exitCode === 0)) return result.exitCode;
      const ranMs = result.finishedAt.getTime() - new Date(this.status.state.terminated!.startedAt).getTime();
      const delay = this.backoff.delayAfterExit(ranMs);
      this.status.lastState = { terminated: this.status.state.terminated! };
      if (delay > 0) {
        const message = `back-off ${delay / 1000}s restarting failed container=${this.container.name} pod=${this.ctx.podRef}`;
        this.status.state = { waiting: { reason: 'CrashLoopBackOff', message } };
        this.ctx.onChange();
        await this.sleep(delay);
      }
      if (this.stopping) return undefined;
      this.status.restartCount++;
    }
  }

  /** Stops the container for good: no more restarts, SIGTERM then SIGKILL after the grace period. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.stopProbes();
    await this.process?.terminate(graceMs);
  }

  private async runOnce(): Promise<RunResult> {
    let plan: StartPlan;
    try {
      plan = await this.ctx.plan(this.container);
    } catch (err) {
      if (this.stopping) return 'stopped';
      const imageError = err instanceof ImageNotFoundError || err instanceof BrokenImageError;
      // the kubelet reports the first failed pull, then backs off between retries
      const pullReason =
        this.status.state.waiting?.reason === 'ErrImagePull' ||
        this.status.state.waiting?.reason === 'ImagePullBackOff'
          ? 'ImagePullBackOff'
          : 'ErrImagePull';
      const reason = imageError
        ? pullReason
        : err instanceof ContainerConfigError
          ? 'CreateContainerConfigError'
          : 'ContainerCreating';
      const message =
        reason === 'ImagePullBackOff'
          ? `Back-off pulling image "${this.container.image}": ${errorMessage(err)}`
          : errorMessage(err);
      // retries repeat the same failure every few seconds: log only when it changes
      if (this.status.state.waiting?.message !== message) {
        this.ctx.log.warn({ container: this.container.name, reason, err: message }, 'Container not started');
      }
      this.status.state = { waiting: { reason, message } };
      this.ctx.onChange();
      return 'not-started';
    }
    if (this.stopping) return 'stopped';
    const name = this.container.name;
    const logFile = path.join(this.ctx.logDir, name, `${this.status.restartCount}.log`);
    const proc = this.ctx.launch({
      ...plan.spawn,
      logFile,
      pidFile: path.join(this.ctx.runDir, `${name}.pid`),
    });
    this.process = proc;
    const clock = this.startClock(logFile);
    const containerID = `local://${randomUUID()}`;
    const startedAt = rfc3339(proc.startedAt);
    Object.assign(this.status, { containerID, imageID: plan.imageID });
    this.status.state = { running: { startedAt } };
    this.status.started = !this.container.startupProbe;
    this.status.ready = this.status.started && !this.container.readinessProbe;
    this.startProbes({ ...plan.probeTarget, containerPid: () => proc.containerPid });
    this.ctx.log.info(
      { container: name, image: this.container.image, imageID: plan.imageID },
      'Container started from its image',
    );
    this.ctx.onChange();
    const exit = await proc.exited;
    clock?.stop();
    this.stopProbes();
    this.process = undefined;
    const terminated: TerminatedState = {
      exitCode: exit.exitCode,
      reason: exit.exitCode === 0 ? 'Completed' : 'Error',
      startedAt,
      finishedAt: rfc3339(exit.finishedAt),
      containerID,
    };
    this.status.state = { terminated };
    Object.assign(this.status, { started: false, ready: false });
    this.ctx.log.info({ container: name, exitCode: exit.exitCode }, 'Container exited');
    this.ctx.onChange();
    return exit;
  }

  /** Dates the run's output for `kubectl logs --timestamps`/`--since`; without it the logs are still served. */
  private startClock(logFile: string): { stop(): void } | undefined {
    try {
      return startLogClock(logFile);
    } catch (err) {
      this.ctx.log.warn({ container: this.container.name, err: errorMessage(err) }, 'Log times not recorded');
      return undefined;
    }
  }

  private startProbes(target: ProbeTarget): void {
    const { startupProbe, livenessProbe, readinessProbe } = this.container;
    const later = (): void => {
      if (livenessProbe) this.addProbe('liveness', livenessProbe, target);
      if (readinessProbe) this.addProbe('readiness', readinessProbe, target);
    };
    if (startupProbe) this.addProbe('startup', startupProbe, target, later);
    else later();
  }

  private addProbe(kind: ProbeKind, probe: V1Probe, target: ProbeTarget, onStarted?: () => void): void {
    const worker = new ProbeWorker(kind, probe, target, (k, ok) => this.onProbe(k, ok, probe, onStarted));
    this.probes.push(worker);
    worker.start();
  }

  private onProbe(kind: ProbeKind, ok: boolean, probe: V1Probe, onStarted?: () => void): void {
    if (kind === 'readiness') {
      this.status.ready = ok;
    } else if (kind === 'startup' && ok) {
      this.status.started = true;
      this.status.ready = !this.container.readinessProbe;
      onStarted?.();
    } else if (!ok) {
      this.ctx.log.info({ container: this.container.name, probe: kind }, 'Probe failed, killing container');
      void this.process?.terminate(this.ctx.probeGraceSeconds(probe) * 1000);
    }
    this.ctx.onChange();
  }

  private stopProbes(): void {
    for (const probe of this.probes) probe.stop();
    this.probes = [];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
