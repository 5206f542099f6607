// The backup agent's settings (from its environment) and its lifetime, apart from the process that hosts it.
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { LEGACY_OPERATOR_STATE_DIR } from '../api/contracts.ts';
import { isDuration, parseDuration } from '../api/duration-syntax.ts';
import { createAgentServer } from './agent-server.ts';
import { startPreRestoreLogPruning } from './pre-restore-retention.ts';
import { shippingSettingsFromEnv, type ShippingSettings } from './shipping-settings.ts';
import type { RunningShipping } from './start-shipping.ts';
import type { BackupFetcher } from './fetch-backup.ts';

const DEFAULT_RETENTION = '3days';

export interface BackupAgentSettings {
  token: string;
  backupDir: string;
  operatorDir: string;
  host: string;
  port: number;
  retention: string;
  /** absent: the cluster has no spec.backup.objectStore */
  shipping?: ShippingSettings;
}

/** The settings from AGENT_TOKEN, BACKUP_DIR, ...; a string is the error to print (exit code 2). */
export function agentSettingsFromEnv(env: Record<string, string | undefined>): BackupAgentSettings | string {
  const token = env['AGENT_TOKEN'];
  const backupDir = env['BACKUP_DIR'];
  const retention = env['PRE_RESTORE_LOG_RETENTION'] ?? DEFAULT_RETENTION;
  if (!token || !backupDir) return 'backup-agent: AGENT_TOKEN and BACKUP_DIR must be set';
  if (!isDuration(retention)) {
    return `backup-agent: PRE_RESTORE_LOG_RETENTION ${JSON.stringify(retention)} is not an Aurora duration`;
  }
  const shipping = shippingSettingsFromEnv(env);
  if (typeof shipping === 'string') return shipping;
  return {
    ...(shipping ? { shipping } : {}),
    token,
    backupDir,
    // a pod still on a layout v1 template keeps the operator's state inside the backup directory
    operatorDir: env['OPERATOR_DIR'] || join(backupDir, LEGACY_OPERATOR_STATE_DIR),
    host: env['AGENT_LISTEN_HOST'] ?? '0.0.0.0',
    port: Number(env['AGENT_PORT'] ?? '8084'),
    retention,
  };
}

export interface RunningBackupAgent {
  /** Closes the server and its connections and stops pruning; resolves once the port is free. */
  stop(): Promise<void>;
}

export async function startBackupAgent(
  settings: BackupAgentSettings,
  log: Logger,
): Promise<RunningBackupAgent> {
  const { backupDir, operatorDir, token, host, port, retention } = settings;
  let shipper: RunningShipping | undefined;
  let fetcher: BackupFetcher | undefined;
  const server = createAgentServer({
    backupDir,
    operatorDir,
    token,
    log,
    shipping: () => shipper?.status(),
    fetcher: () => fetcher,
  });
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
  // started once the port is ours, so an agent that cannot listen ships nothing
  if (settings.shipping) {
    // the S3 SDK is loaded only by agents that ship, so the others keep their small footprint
    const { startShipping } = await import('./start-shipping.ts');
    shipper = startShipping(settings.shipping, backupDir, log);
    // the same store serves POST /backups/<name>/fetch, a restore's download from the store
    const { createS3Fetcher } = await import('./fetch-backup.ts');
    fetcher = createS3Fetcher(settings.shipping.store, backupDir);
  }
  return {
    async stop() {
      stopPruning();
      await shipper?.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
