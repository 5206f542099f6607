// `aurora-operator backup-agent`: the sidecar serving a scheduler pod's backup directory to the operator.
import { createAgentServer } from '../agent/agent-server.ts';
import { createLogger } from '../log.ts';
import type { Command } from './command.ts';

export const backupAgentCommand: Command = {
  summary: 'serve the backup directory to the operator (sidecar of every scheduler pod)',
  usage: 'aurora-operator backup-agent   (env: AGENT_TOKEN, BACKUP_DIR, AGENT_LISTEN_HOST, AGENT_PORT)',
  async run(_args, io) {
    const token = process.env['AGENT_TOKEN'];
    const backupDir = process.env['BACKUP_DIR'];
    const host = process.env['AGENT_LISTEN_HOST'] ?? '0.0.0.0';
    const port = Number(process.env['AGENT_PORT'] ?? '8084');
    if (!token || !backupDir) {
      io.stderr('backup-agent: AGENT_TOKEN and BACKUP_DIR must be set\n');
      return 2;
    }
    const log = createLogger('backup-agent');
    const server = createAgentServer({ backupDir, token, log });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    log.info({ host, port, backupDir }, 'Backup agent listening');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        server.closeAllConnections();
        server.close(() => resolve());
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
