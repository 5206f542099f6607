// Starts one hosted program (a simulated scheduler or a backup agent) inside the fleet host's process.
import fs from 'node:fs';
import path from 'node:path';
import { agentSettingsFromEnv, startBackupAgent } from '../../../../src/agent/backup-agent-process.ts';
import { createLogger } from '../../../../src/log.ts';
import { startSchedulerProgram } from '../../simulator/scheduler-program.ts';
import { hostArgv, hostEnv } from './path-map.ts';
import type { StartMessage } from './protocol.ts';

export interface HostedInstance {
  readonly exited: Promise<number>;
  signal(signal: 'SIGTERM' | 'SIGKILL'): void;
}

// exit codes as a shell reports a process ended by SIGKILL
const KILLED = 137;

export function startHosted(message: StartMessage): HostedInstance {
  fs.mkdirSync(path.dirname(message.logFile), { recursive: true });
  const out = fs.createWriteStream(message.logFile, { flags: 'a' });
  const argv = hostArgv(message.mounts, message.argv);
  const env = hostEnv(message.mounts, message.env);
  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    let done = false;
    finish = (code) => {
      if (done) return;
      done = true;
      // the exit is reported once the log is on disk, as a container's log is complete when it has exited
      out.end(() => resolve(code));
    };
  });
  if (message.program === 'aurora-scheduler') {
    const scheduler = startSchedulerProgram(argv.slice(1), {
      env,
      write: (text) => out.write(text),
      exit: finish,
    });
    return {
      exited,
      // a hosted program cannot be killed: SIGKILL ends its record at once and lets shutdown free its ports behind it
      signal: (signal) => {
        scheduler.signal(signal === 'SIGKILL' ? 'SIGTERM' : signal);
        if (signal === 'SIGKILL') finish(KILLED);
      },
    };
  }
  const settings = agentSettingsFromEnv(env);
  if (typeof settings === 'string') {
    out.write(`${settings}\n`);
    finish(2);
    return { exited, signal: () => undefined };
  }
  const log = createLogger('backup-agent', env['LOG_LEVEL'] ?? 'info', out);
  const agent = startBackupAgent(settings, log);
  agent.catch((err: unknown) => {
    out.write(`backup-agent: ${err instanceof Error ? err.message : String(err)}\n`);
    finish(1);
  });
  return {
    exited,
    signal: (signal) => {
      const stopped = agent.then((a) => a.stop());
      if (signal === 'SIGKILL') finish(KILLED);
      else
        void stopped.then(
          () => finish(0),
          () => finish(1),
        );
    },
  };
}
