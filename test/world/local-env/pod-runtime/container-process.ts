// One container instance: a bubblewrap process in its own process group, rooted in its image, with the pod's mounts.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { constants } from 'node:os';
import { finishArgs, rootArgs, type ContainerRoot } from './container-root.ts';

export interface ContainerSpawnSpec {
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  /** bubblewrap bind arguments from PodVolumes.mountArgs (targets inside the image) */
  mountArgs: string[];
  /** UTS hostname; undefined keeps the host's (hostNetwork pods). */
  hostname?: string | undefined;
  root: ContainerRoot;
  /** The command that runs bubblewrap (overlayLauncher): it mounts the root first. */
  launcher: string[];
  logFile: string;
  /** Records the process group so a restarted runtime can kill groups a crashed one left behind. */
  pidFile: string;
}

export interface ContainerExit {
  exitCode: number;
  signal: string | undefined;
  finishedAt: Date;
}

/** A running container instance, whatever runs it. */
export interface ContainerHandle {
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
  /** The main process inside the container's namespaces, for exec probes; undefined when there is none. */
  readonly containerPid: number | undefined;
  terminate(graceMs: number): Promise<ContainerExit>;
}

/** Arguments for bubblewrap: the image root, fresh /dev and /proc, the container's mounts, then its user. */
export function bwrapArgs(
  spec: Pick<ContainerSpawnSpec, 'root' | 'mountArgs' | 'hostname' | 'workingDir'>,
): string[] {
  return [
    ...rootArgs(spec.root, spec.hostname),
    ...spec.mountArgs,
    ...finishArgs(spec.root),
    '--chdir',
    spec.workingDir,
  ];
}

export class ContainerProcess implements ContainerHandle {
  readonly startedAt = new Date();
  readonly exited: Promise<ContainerExit>;
  private readonly child: ChildProcess;
  private readonly pidFile: string;
  private innerPid: number | undefined;
  private done = false;

  private constructor(child: ChildProcess, pidFile: string) {
    this.child = child;
    this.pidFile = pidFile;
    let info = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      info += chunk.toString();
      const match = /"child-pid":\s*(\d+)/.exec(info);
      if (match) this.innerPid = Number(match[1]);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.done = true;
        // a container's leftover background processes die with its main process, as with a PID namespace
        this.killGroup('SIGKILL');
        fs.rmSync(this.pidFile, { force: true });
        const signum = signal ? (constants.signals[signal] ?? 9) : 0;
        resolve({ exitCode: code ?? 128 + signum, signal: signal ?? undefined, finishedAt: new Date() });
      });
    });
  }

  static start(spec: ContainerSpawnSpec): ContainerProcess {
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    fs.mkdirSync(path.dirname(spec.pidFile), { recursive: true });
    const logFd = fs.openSync(spec.logFile, 'a');
    try {
      const [launcher = 'bwrap', ...launcherArgs] = spec.launcher;
      const args = [...launcherArgs, ...bwrapArgs(spec), '--info-fd', '3', '--', ...spec.argv];
      const child = spawn(launcher, args, {
        env: spec.env,
        detached: true,
        stdio: ['ignore', logFd, logFd, 'pipe'],
      });
      child.on('error', (err) =>
        fs.appendFileSync(spec.logFile, `pod-runtime: cannot start ${launcher}: ${err.message}\n`),
      );
      if (child.pid !== undefined) fs.writeFileSync(spec.pidFile, String(child.pid));
      return new ContainerProcess(child, spec.pidFile);
    } finally {
      fs.closeSync(logFd);
    }
  }

  get pid(): number | undefined {
    return this.innerPid ?? this.child.pid;
  }

  /** The container's main process inside its namespaces, once bubblewrap reported it. */
  get containerPid(): number | undefined {
    return this.innerPid;
  }

  /** SIGTERM to the container's main process, SIGKILL to the whole group after the grace period. */
  async terminate(graceMs: number): Promise<ContainerExit> {
    if (!this.done) {
      try {
        if (this.innerPid !== undefined) process.kill(this.innerPid, 'SIGTERM');
        else this.killGroup('SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => this.killGroup('SIGKILL'), Math.max(0, graceMs));
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  killGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already empty
    }
  }
}

/** Kills process groups recorded (as run/<pod uid>/<container>.pid) by a previous runtime that did not stop cleanly. */
export function killRecordedGroups(runDir: string): number {
  let killed = 0;
  const podDirs = fs.existsSync(runDir) ? fs.readdirSync(runDir) : [];
  for (const podDir of podDirs) {
    for (const name of fs.readdirSync(path.join(runDir, podDir))) {
      const pgid = Number(fs.readFileSync(path.join(runDir, podDir, name), 'utf8'));
      const leader = path.basename(safeRead(`/proc/${pgid}/cmdline`).split('\0')[0] ?? '');
      // a live leader that is not bwrap (or its launcher) means the pid was reused: leave that group alone
      if (pgid > 1 && ['', 'bwrap', 'unshare', 'sh'].includes(leader)) killed += signalGroup(pgid) ? 1 : 0;
    }
    fs.rmSync(path.join(runDir, podDir), { recursive: true, force: true });
  }
  return killed;
}

function signalGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
