// Runs one pod bound to this node: volumes, init containers in order, app containers, status, and graceful deletion.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { Logger } from '../../../../src/log.ts';
import { findImage } from '../images.ts';
import type { BackoffPolicy } from './backoff.ts';
import { buildContainerEnv } from './container-env.ts';
import { podLogDir } from './container-logs.ts';
import { containerUser, overlayLauncher, type ContainerRoot } from './container-root.ts';
import {
  ContainerRunner,
  type RestartPolicy,
  type RunnerContext,
  type StartPlan,
} from './container-runner.ts';
import { ContainerConfigError, type PodPlacement } from './field-ref.ts';
import type { ContainerLauncher } from './fleet-client.ts';
import { imageRootfs } from './image-rootfs.ts';
import type { Kube } from './kube.ts';
import { apiStatusCode, errorMessage, rfc3339 } from './kube.ts';
import { PodStatusWriter } from './pod-status-writer.ts';
import { PodVolumes } from './pod-volumes.ts';
import { ServiceAccountTokens } from './sa-token.ts';
import { expandVars } from './var-expansion.ts';
import type { FileSourceContext } from './volume-files.ts';

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PodWorkerOptions {
  kube: Kube;
  pod: V1Pod;
  placement: PodPlacement;
  stateDir: string;
  backoff: BackoffPolicy;
  volumeRefreshMs: number;
  log: Logger;
  launch: ContainerLauncher;
}

export class PodWorker {
  pod: V1Pod;
  private readonly opts: PodWorkerOptions;
  private readonly volumes: PodVolumes;
  private readonly init: ContainerRunner[];
  private readonly app: ContainerRunner[];
  private readonly writer: PodStatusWriter;
  private readonly hostname: string | undefined;
  private readonly podDir: string;
  private readonly fileCtx: FileSourceContext;
  private stopping = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private finished: Promise<void> | undefined;

  constructor(opts: PodWorkerOptions) {
    this.opts = opts;
    this.pod = opts.pod;
    const meta = opts.pod.metadata!;
    const spec = opts.pod.spec!;
    this.hostname = spec.hostNetwork ? undefined : (spec.hostname ?? meta.name!).slice(0, 63);
    const podDir = path.join(opts.stateDir, 'pods', meta.uid!);
    this.podDir = podDir;
    const tokens = new ServiceAccountTokens(opts.kube, opts.pod);
    this.fileCtx = {
      kube: opts.kube,
      pod: opts.pod,
      placement: opts.placement,
      tokens,
      caPem: opts.kube.caPem,
    };
    this.volumes = new PodVolumes(this.fileCtx, podDir);
    const ctx: RunnerContext = {
      logDir: podLogDir(opts.stateDir, meta.namespace!, meta.name!, meta.uid!),
      runDir: path.join(opts.stateDir, 'run', meta.uid!),
      podRef: `${meta.name}_${meta.namespace}(${meta.uid})`,
      backoff: opts.backoff,
      log: opts.log,
      plan: (c) => this.plan(c),
      launch: opts.launch,
      probeGraceSeconds: (p: V1Probe) =>
        p.terminationGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30,
      onChange: () => this.writer.schedule(),
    };
    const previous = [
      ...(opts.pod.status?.initContainerStatuses ?? []),
      ...(opts.pod.status?.containerStatuses ?? []),
    ];
    const runner = (c: V1Container, waiting: string): ContainerRunner =>
      new ContainerRunner(
        c,
        ctx,
        previous.find((s) => s.name === c.name),
        waiting,
      );
    const initContainers = spec.initContainers ?? [];
    this.init = initContainers.map((c) => runner(c, 'PodInitializing'));
    this.app = spec.containers.map((c) =>
      runner(c, initContainers.length ? 'PodInitializing' : 'ContainerCreating'),
    );
    this.writer = new PodStatusWriter({
      kube: opts.kube,
      pod: () => this.pod,
      placement: opts.placement,
      init: this.init.map((r) => r.status),
      app: this.app.map((r) => r.status),
      log: opts.log,
    });
  }

  get uid(): string {
    return this.pod.metadata!.uid!;
  }

  /** Takes the latest API object, so label changes reach downward API files and env of later starts. */
  update(pod: V1Pod): void {
    this.pod = pod;
    this.fileCtx.pod = pod;
  }

  /** Starts the pod unless it already reached a terminal phase before the runtime (re)started. */
  start(): void {
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    this.finished = this.run().catch((err: unknown) => {
      this.opts.log.error({ err: errorMessage(err) }, 'Pod worker failed');
    });
  }

  /** Stops every container (SIGTERM, then SIGKILL after graceMs) without touching the API object. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.refreshTimer);
    await Promise.all([...this.init, ...this.app].map((r) => r.stop(graceMs)));
    await this.finished;
  }

  /** Kubelet-style finalization of a pod marked for deletion: stop, report, delete with grace 0 and UID precondition. */
  async finalize(): Promise<void> {
    const meta = this.pod.metadata!;
    const grace = meta.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    await this.stop(grace * 1000);
    await this.writer.flush();
    this.writer.close();
    try {
      await this.opts.kube.core.deleteNamespacedPod({
        name: meta.name!,
        namespace: meta.namespace!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid: meta.uid! } },
      });
    } catch (err) {
      const code = apiStatusCode(err);
      if (code !== 404 && code !== 409) throw err;
    }
  }

  /** closeStatus ends the pod's status reports, e.g. when the whole runtime stops. */
  closeStatus(): void {
    this.writer.close();
  }

  /** Removes the pod's local volumes once it is gone from the API. */
  async cleanup(): Promise<void> {
    this.writer.close();
    await this.volumes.cleanup();
  }

  private async run(): Promise<void> {
    this.writer.setStartTime(
      this.pod.status?.startTime ? rfc3339(new Date(this.pod.status.startTime)) : rfc3339(),
    );
    this.writer.schedule();
    while (!this.stopping) {
      try {
        await this.volumes.prepare();
        break;
      } catch (err) {
        this.opts.log.info({ err: errorMessage(err) }, 'Volumes not ready');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    this.refreshTimer = setInterval(() => {
      this.volumes
        .refresh()
        .catch((err: unknown) => this.opts.log.warn({ err: errorMessage(err) }, 'Volume refresh failed'));
    }, this.opts.volumeRefreshMs);
    const policy = (this.pod.spec?.restartPolicy ?? 'Always') as RestartPolicy;
    for (const runner of this.init) {
      if (this.stopping) return;
      const code = await runner.supervise(policy === 'Never' ? 'Never' : 'OnFailure', true);
      if (code === undefined) return;
      if (code !== 0) {
        this.writer.markInitFailed();
        return;
      }
    }
    for (const runner of this.app) {
      if (runner.status.state.waiting) runner.status.state = { waiting: { reason: 'ContainerCreating' } };
    }
    this.writer.schedule();
    await Promise.all(this.app.map((r) => r.supervise(policy, false)));
  }

  private async plan(container: V1Container): Promise<StartPlan> {
    const image = await findImage(container.image ?? '');
    const rootfs = await imageRootfs(image);
    await this.volumes.prepare();
    const user = await containerUser(rootfs, image.config.user, container, this.pod.spec?.securityContext);
    const hostname = this.hostname ?? (process.env['HOSTNAME'] || 'localhost');
    const baseEnv = { PATH: defaultPath, HOME: user.home, ...image.config.env, HOSTNAME: hostname };
    const env = await buildContainerEnv(
      { kube: this.opts.kube, pod: this.pod, placement: this.opts.placement, baseEnv },
      container,
    );
    const lookup = (name: string): string | undefined => env[name];
    const expand = (list: string[] | undefined): string[] => (list ?? []).map((a) => expandVars(a, lookup));
    // as the kubelet: command replaces the image's entrypoint and drops its cmd; args alone replace only the cmd
    const argv = container.command?.length
      ? [...expand(container.command), ...expand(container.args)]
      : [...image.config.entrypoint, ...(container.args?.length ? expand(container.args) : image.config.cmd)];
    if (argv.length === 0) throw new ContainerConfigError('no command specified');
    const root: ContainerRoot = {
      rootfs,
      layerDir: path.join(this.podDir, 'containers', container.name),
      readOnly: container.securityContext?.readOnlyRootFilesystem ?? false,
      uid: user.uid,
      gid: user.gid,
      hostsFile: await this.hostsFile(),
    };
    const mountArgs = await this.volumes.mountArgs(container, env, rootfs);
    const podIP = this.opts.placement.podIP;
    return {
      spawn: {
        argv,
        env,
        workingDir: container.workingDir || image.config.workingDir,
        mountArgs,
        hostname: this.hostname,
        root,
        launcher: await overlayLauncher(root),
      },
      imageID: `${image.ref.replace(/:[^:/@]*$/, '')}@${image.digest}`,
      probeTarget: { podIP, container, env, containerPid: () => undefined },
    };
  }

  /** The pod's /etc/hosts as the kubelet writes it; host-network pods see the host's. */
  private async hostsFile(): Promise<string> {
    if (this.pod.spec?.hostNetwork) return '/etc/hosts';
    const file = path.join(this.podDir, 'etc-hosts');
    const lines = [
      '# Kubernetes-managed hosts file (local pod runtime).',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      `${this.opts.placement.podIP}\t${this.hostname ?? 'localhost'}`,
    ];
    await fs.mkdir(this.podDir, { recursive: true });
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    return file;
  }
}
