// `aurora-operator backup-agent`: the sidecar serving a scheduler pod's backup directory to the operator.
import { join } from 'node:path';
import { createAgentServer } from '../agent/agent-server.ts';
import { startPreRestoreLogPruning } from '../agent/pre-restore-retention.ts';
import { LEGACY_OPERATOR_STATE_DIR } from '../api/contracts.ts';
import { isDuration, parseDuration } from '../api/duration-syntax.ts';
import { createLogger } from '../log.ts';
import type { Command } from './command.ts';

const DEFAULT_RETENTION = '3days';

export const backupAgentCommand: Command = {
  summary: 'serve the backup directory to the operator (sidecar of every scheduler pod)',
  usage:
    'aurora-operator backup-agent   (env: AGENT_TOKEN, BACKUP_DIR, OPERATOR_DIR, PRE_RESTORE_LOG_RETENTION, AGENT_LISTEN_HOST, AGENT_PORT)',
  async run(_args, io) {
    const token = process.env['AGENT_TOKEN'];
    const backupDir = process.env['BACKUP_DIR'];
    const host = process.env['AGENT_LISTEN_HOST'] ?? '0.0.0.0';
    const port = Number(process.env['AGENT_PORT'] ?? '8084');
    const retention = process.env['PRE_RESTORE_LOG_RETENTION'] ?? DEFAULT_RETENTION;
    if (!token || !backupDir) {
      io.stderr('backup-agent: AGENT_TOKEN and BACKUP_DIR must be set\n');
      return 2;
    }
    if (!isDuration(retention)) {
      io.stderr(
        `backup-agent: PRE_RESTORE_LOG_RETENTION ${JSON.stringify(retention)} is not an Aurora duration\n`,
      );
      return 2;
    }
    // a pod still on a layout v1 template keeps the operator's state inside the backup directory
    const operatorDir = process.env['OPERATOR_DIR'] || join(backupDir, LEGACY_OPERATOR_STATE_DIR);
    const log = createLogger('backup-agent');
    const server = createAgentServer({ backupDir, operatorDir, token, log });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const stopPruning = startPreRestoreLogPruning({
      operatorDir,
      retentionMs: parseDuration(retention),
      now: () => new Date(),
      log,
    });
    log.info({ host, port, backupDir, operatorDir, retention }, 'Backup agent listening');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        stopPruning();
        server.closeAllConnections();
        server.close(() => resolve());
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
