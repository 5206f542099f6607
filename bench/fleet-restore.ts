// The fleet benchmark's restore section: a Staged and an Offline restore of one cluster while the others run.
import { NAMESPACE } from './fleet-clusters.ts';
import type { ResultLine } from './fleet-report.ts';
import { extraSections, type FleetContext } from './fleet-sections.ts';
import { restoreSection } from './restore-section.ts';

async function restoresInFleet(ctx: FleetContext): Promise<ResultLine[]> {
  if (!ctx.opts.restores) return [];
  // a cluster from the middle of the fleet: neither the first created nor the last
  const cluster = ctx.ready[Math.floor(ctx.ready.length / 2)];
  if (!cluster) throw new Error('no Ready cluster to restore');
  ctx.progress(`restores on ${cluster}`);
  const lines = await restoreSection(ctx.env, { namespace: NAMESPACE, cluster, print: ctx.progress });
  return lines.map(({ status, name, measured, target }) =>
    status === 'info' ? { verdict: 'info', name, measured } : { verdict: status, name, measured, target },
  );
}

extraSections.push({ name: 'restores', run: restoresInFleet });
