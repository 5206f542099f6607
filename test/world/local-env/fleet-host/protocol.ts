// The fleet host's wire protocol: one JSON object per line over a Unix socket, between the pod runtime and the host.
import type { Socket } from 'node:net';

/** The programs a fleet host runs in its own process instead of a container of their own. */
export type HostedProgram = 'aurora-scheduler' | 'backup-agent';

export interface StartMessage {
  t: 'start';
  id: string;
  program: HostedProgram;
  argv: string[];
  env: Record<string, string>;
  /** [path inside the container, path on the host] for each of the container's mounts */
  mounts: Array<[string, string]>;
  logFile: string;
}

export interface SignalMessage {
  t: 'signal';
  id: string;
  signal: 'SIGTERM' | 'SIGKILL';
}

export interface ExitedMessage {
  t: 'exited';
  id: string;
  exitCode: number;
}

export type HostMessage = StartMessage | SignalMessage | ExitedMessage;

/** Which hosted program a container's argv runs, if any: the scheduler image's and the agent sidecar's commands. */
export function hostedProgramOf(argv: readonly string[]): HostedProgram | undefined {
  const command = (argv[0] ?? '').split('/').pop();
  if (command === 'aurora-scheduler') return 'aurora-scheduler';
  if (command === 'aurora-operator' && argv[1] === 'backup-agent') return 'backup-agent';
  return undefined;
}

export function sendMessage(socket: Socket, message: HostMessage): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** Calls onMessage for every complete line the socket delivers. */
export function onMessages(socket: Socket, onMessage: (message: HostMessage) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) onMessage(JSON.parse(line) as HostMessage);
    }
  });
}
