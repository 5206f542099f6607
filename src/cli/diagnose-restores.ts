// diagnose's section on the restores of a cluster that have not finished: where each stands and what it will kill.
import { AURORA_RESTORE, GROUP, VERSION } from '../api/group.ts';
import type { RestoreImpact } from '../api/restore-impact.ts';
import type { RestClient } from '../k8s/rest/rest-client.ts';
import { resourcePath } from '../k8s/rest/resource-path.ts';
import { renderImpact } from './render-impact.ts';

export interface RestoreObject {
  metadata?: { name?: string };
  spec?: { cluster?: string; backupId?: string };
  status?: { phase?: string; step?: string; source?: { name?: string }; impact?: RestoreImpact };
}

const FINISHED = new Set(['Succeeded', 'Failed', 'Cancelled']);

/** renderPendingRestores: nothing when no restore of the cluster is pending, so healthy reports stay short. */
export function renderPendingRestores(restores: readonly RestoreObject[], cluster: string): string {
  const pending = restores.filter(
    (r) => r.spec?.cluster === cluster && !FINISHED.has(r.status?.phase ?? 'Pending'),
  );
  return pending
    .map((r) => {
      const backup = r.status?.source?.name ?? r.spec?.backupId ?? '?';
      const head =
        `\nPending restore ${r.metadata?.name ?? '?'} of ${backup} ` +
        `(phase ${r.status?.phase ?? 'Pending'}, step ${r.status?.step ?? '-'})\n`;
      const impact = r.status?.impact;
      return (
        head +
        (impact
          ? renderImpact(impact, '  ')
          : '  Impact: not computed yet (the Impact step follows Validate)\n')
      );
    })
    .join('');
}

export async function readPendingRestores(
  client: RestClient,
  namespace: string,
  cluster: string,
): Promise<string> {
  const list = await client
    .request<{ items?: RestoreObject[] }>({
      path: resourcePath({ apiVersion: `${GROUP}/${VERSION}`, plural: AURORA_RESTORE.plural, namespace }),
    })
    .catch(() => ({ items: [] }));
  return renderPendingRestores(list.items ?? [], cluster);
}
