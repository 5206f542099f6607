// `aurora-operator backup-agent`: the sidecar serving a scheduler pod's backup directory to the operator.
import { agentSettingsFromEnv, startBackupAgent } from '../agent/backup-agent-process.ts';
import { createLogger } from '../log.ts';
import type { Command } from './command.ts';

export const backupAgentCommand: Command = {
  summary: 'serve the backup directory to the operator (sidecar of every scheduler pod)',
  usage:
    'aurora-operator backup-agent   (env: AGENT_TOKEN, BACKUP_DIR, OPERATOR_DIR, PRE_RESTORE_LOG_RETENTION, AGENT_LISTEN_HOST, AGENT_PORT)',
  async run(_args, io) {
    const settings = agentSettingsFromEnv(process.env);
    if (typeof settings === 'string') {
      io.stderr(`${settings}\n`);
      return 2;
    }
    const agent = await startBackupAgent(settings, createLogger('backup-agent'));
    await new Promise<void>((resolve) => {
      const stop = (): void => void agent.stop().then(resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
