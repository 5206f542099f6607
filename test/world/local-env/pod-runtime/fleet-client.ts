// Fleet mode of the pod runtime: scheduler and backup-agent containers run inside one fleet-host process.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { mountsOf } from '../fleet-host/path-map.ts';
import { hostedProgramOf, onMessages, sendMessage, type HostedProgram } from '../fleet-host/protocol.ts';
import type { ContainerExit, ContainerHandle, ContainerSpawnSpec } from './container-process.ts';

/** Starts a container: in the fleet host when it runs a hosted program, otherwise as a process of its own. */
export type ContainerLauncher = (spec: ContainerSpawnSpec) => ContainerHandle;

export class FleetClient {
  private readonly exits = new Map<string, (exitCode: number) => void>();
  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    onMessages(socket, (message) => {
      if (message.t !== 'exited') return;
      this.exits.get(message.id)?.(message.exitCode);
      this.exits.delete(message.id);
    });
    // a lost host took every hosted container with it
    socket.on('close', () => {
      for (const resolve of this.exits.values()) resolve(137);
      this.exits.clear();
    });
  }

  static connect(socketPath: string): Promise<FleetClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('connect', () => resolve(new FleetClient(socket)));
      socket.once('error', reject);
    });
  }

  /** A launcher that sends hosted programs here and everything else to `fallback`. */
  launcher(fallback: ContainerLauncher): ContainerLauncher {
    return (spec) => {
      const program = hostedProgramOf(spec.argv);
      return program ? this.start(spec, program) : fallback(spec);
    };
  }

  close(): void {
    this.socket.end();
  }

  private start(spec: ContainerSpawnSpec, program: HostedProgram): ContainerHandle {
    const id = randomUUID();
    const exited = new Promise<ContainerExit>((resolve) => {
      const done = (exitCode: number): void =>
        resolve({ exitCode, signal: exitCode === 137 ? 'SIGKILL' : undefined, finishedAt: new Date() });
      if (this.socket.destroyed) done(128);
      else this.exits.set(id, done);
    });
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    sendMessage(this.socket, {
      t: 'start',
      id,
      program,
      argv: spec.argv,
      env: spec.env,
      mounts: mountsOf(spec.mountArgs),
      logFile: spec.logFile,
    });
    const signal = (s: 'SIGTERM' | 'SIGKILL'): void =>
      sendMessage(this.socket, { t: 'signal', id, signal: s });
    return {
      startedAt: new Date(),
      exited,
      containerPid: undefined,
      async terminate(graceMs) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), Math.max(0, graceMs));
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      },
    };
  }
}
