// `aurora-operator restore-plan <cluster> --backup <id|latest> [-n ns] [-o json]`: what a restore would pick and
// kill, computed as the restore's Validate and Impact steps would, without creating anything.
import { TerminalError } from '../controller/result.ts';
import { loadKubeConfig } from '../k8s/load-kube-config.ts';
import { createRestClient } from '../k8s/rest/rest-client.ts';
import { parseNamedArgs } from './command-args.ts';
import type { CliIo, Command } from './command.ts';
import { renderImpact } from './render-impact.ts';
import { planRestore, type RestorePlan } from './restore-plan.ts';

const USAGE =
  'usage: aurora-operator restore-plan <cluster> --backup <id|latest> [-n <namespace>] [-o text|json] ' +
  '[--max-backup-age <duration>] [--accept-backup-age] [--timeout-ms <ms>]';

export function renderPlan(plan: RestorePlan): string {
  const s = plan.source;
  const picked = plan.backupId === s.name ? '' : ` (${plan.backupId})`;
  return (
    `Restore plan for ${plan.cluster} from ${s.name ?? plan.backupId}${picked}; nothing was created or changed\n` +
    `Backup: on ${s.pod}, ${s.size ?? '?'} bytes, snapshot ${s.snapshotAt ?? 'time unknown'}, ` +
    `${s.tasks ?? '?'} tasks\n` +
    `Validate: ${plan.validation}\n` +
    renderImpact(plan.impact)
  );
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseNamedArgs(
    args,
    {
      backup: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o', default: 'text' },
      'max-backup-age': { type: 'string' },
      'accept-backup-age': { type: 'boolean', default: false },
      'timeout-ms': { type: 'string', default: '10000' },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const { name: cluster, values } = parsed;
  const { backup, output } = values;
  if (!backup || (output !== 'text' && output !== 'json')) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  try {
    const client = createRestClient(await loadKubeConfig());
    const plan = await planRestore(client, {
      namespace: values.namespace ?? client.namespace,
      cluster,
      backup,
      maxBackupAge: values['max-backup-age'],
      acceptBackupAge: values['accept-backup-age'],
      timeoutMs: Number(values['timeout-ms']),
    });
    io.stdout(output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
    return 0;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    // a restore would fail Validate the same way: say so with its reason
    const why = err instanceof TerminalError ? `${err.reason}: ${err.message}` : (e.message ?? String(err));
    io.stderr(`restore-plan ${cluster}: ${e.code === 404 ? 'AuroraCluster not found' : why}\n`);
    return 1;
  }
}

export const restorePlanCommand: Command = {
  summary:
    'print what restoring a cluster from a backup would kill (restore-plan <cluster> --backup <id|latest>)',
  usage: USAGE,
  run,
};
