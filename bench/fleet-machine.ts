// What the numbers were measured on and with which settings, printed first so a report stands on its own.
import { cpus, totalmem } from 'node:os';
import type { FleetOptions } from './fleet-args.ts';
import { info, type ResultLine } from './fleet-report.ts';

export function machineLines(opts: FleetOptions): ResultLine[] {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown';
  return [
    info('machine', `${list.length} CPUs (${model}), ${(totalmem() / 1073741824).toFixed(1)} GiB memory`),
    info(
      'fleet',
      `N=${opts.clusters} clusters, R=${opts.replicas} replicas, ${opts.fleet ? 'fleet host' : 'no fleet (a process per container)'}`,
    ),
    info(
      'windows',
      `idle ${opts.idleSeconds} s, ${opts.leaderSamples} leader samples${opts.smoke ? ', smoke' : ''}`,
    ),
  ];
}
