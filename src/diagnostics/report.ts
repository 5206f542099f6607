// The plain-text `diagnose` report: status, pods and (when reachable) live probes of one cluster, in a form a
// person can paste into an incident channel. Pure: everything it shows is passed in.
import type { AuroraClusterSpec, AuroraClusterStatus } from '../api/aurora-cluster.ts';
import type { SchedulerProbe } from '../aurora/scheduler-probe.ts';
import type { ServersetMember } from '../aurora/serverset.ts';
import type { ObservedPod } from '../k8s/observed-pod.ts';
import { newestBackupAgeSecs } from './backup-health.ts';
import { formatAgeMs } from '../api/age.ts';
import { isProblem } from '../api/conditions.ts';
import { buildZkPathsSection, type ZkPathsInput } from './zk-paths-section.ts';
import { buildShippingSection } from './shipping-section.ts';

export interface ReportInput {
  namespace: string;
  name: string;
  spec?: Partial<AuroraClusterSpec> | undefined;
  status: AuroraClusterStatus | undefined;
  pods: readonly ObservedPod[];
  /** Live probes by pod name; undefined when the pods were not reachable from where diagnose ran. */
  live?: ReadonlyMap<string, SchedulerProbe> | undefined;
  serverset?: { members: ServersetMember[]; error?: string } | undefined;
  events: ReadonlyArray<{ type: string; reason: string; message: string; at?: string | undefined }>;
  /** the ZooKeeper paths section; undefined when the spec could not be read */
  zkPaths?: ZkPathsInput | undefined;
  now: Date;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

const flag = (v: boolean | undefined): string => (v === undefined ? '?' : v ? 'yes' : 'no');

function schedulerRows(input: ReportInput): string[] {
  const members = new Map((input.status?.members ?? []).map((m) => [m.name, m]));
  const rows = [
    ['POD', 'IP', 'READY', 'LIFECYCLE', 'REGISTERED', 'LOG RECOVERED', 'LEADERHEALTH', 'RESTARTS', 'UPTIME'],
  ];
  for (const pod of input.pods) {
    const live = input.live?.get(pod.name);
    const seen = members.get(pod.name);
    rows.push([
      pod.name + (input.status?.leader === pod.name ? ' *' : ''),
      pod.podIP ?? '-',
      pod.ready ? 'yes' : 'no',
      live?.lifecycle ?? seen?.lifecycle ?? (live && !live.healthy ? 'UNHEALTHY' : '?'),
      flag(live?.frameworkRegistered ?? seen?.frameworkRegistered),
      flag(live?.logRecovered ?? seen?.logRecovered),
      live?.leaderHealth ?? '?',
      String(pod.restarts),
      live?.uptimeSecs !== undefined ? formatAgeMs(live.uptimeSecs * 1000) : '?',
    ]);
  }
  return table(rows);
}

export function buildReport(input: ReportInput): string {
  const { status, now } = input;
  const lines: string[] = [];
  const source = input.live ? 'status and live probes' : 'status only (pods not reachable from here)';
  lines.push(`Aurora cluster ${input.namespace}/${input.name} at ${now.toISOString()} (${source})`);
  lines.push(
    `Phase ${status?.phase ?? 'unknown'}; ${status?.readyReplicas ?? 0}/${input.spec?.replicas ?? status?.replicas ?? '?'} ` +
      `schedulers ready; quorum ${status?.quorumSize ?? '?'}`,
  );
  const ss = input.serverset;
  const members = ss?.error
    ? `serverset unreadable: ${ss.error}`
    : ss
      ? `${ss.members.length} member_ node(s)`
      : '';
  lines.push(
    `Leader: ${status?.leader ?? 'none'}${status?.leaderEndpoint ? ` (${status.leaderEndpoint})` : ''}` +
      `${members ? `; ${members}` : ''}; leader elections seen: ${status?.leaderChanges ?? 0}`,
  );
  lines.push('', 'Schedulers (* = leader):', ...schedulerRows(input));
  if (input.zkPaths) lines.push('', ...buildZkPathsSection(input.zkPaths));
  const recovered = input.pods.filter(
    (p) =>
      (input.live?.get(p.name)?.logRecovered ??
        status?.members?.find((m) => m.name === p.name)?.logRecovered) === true,
  ).length;
  const log = status?.replicatedLog?.initialized
    ? `initialized at ${status.replicatedLog.initializedAt ?? '?'} (the log-init guard no longer applies)`
    : 'NOT initialized (the first-creation guard applies: log-init may initialize empty replicas)';
  lines.push('', `Replicated log: ${log}; ${recovered} replica(s) with log/recovered=1`);
  const registered = input.pods.filter(
    (p) =>
      (input.live?.get(p.name)?.frameworkRegistered ??
        status?.members?.find((m) => m.name === p.name)?.frameworkRegistered) === true,
  );
  lines.push(
    `Registration: framework_registered sums to ${registered.length}` +
      `${registered.length ? ` (${registered.map((p) => p.name).join(', ')})` : ''}; must be 1`,
  );
  const b = status?.backups;
  const age = newestBackupAgeSecs({ status: b, otherNewestAt: status?.newestBackup?.takenAt, now });
  lines.push(
    `Backups: newest ${b?.newest ?? status?.newestBackup?.name ?? 'none seen'}` +
      `${age !== undefined ? ` (${formatAgeMs(age * 1000)} old)` : ''}; on ${b?.leader ?? '?'}: ` +
      `scheduler_backup_success ${b?.successTotal ?? '?'}, scheduler_backup_failed ${b?.failedTotal ?? '?'}` +
      `${b?.failingSince ? `, failing since ${b.failingSince}` : ''}`,
  );
  lines.push(...buildShippingSection(input));
  const exits = (status?.members ?? []).flatMap((m) =>
    (m.recentExits ?? []).map(
      (e) =>
        `  ${m.name}: exit ${e.exitCode} at ${e.finishedAt} after ${formatAgeMs(e.ranSeconds * 1000)}` +
        ` (${e.planned ? 'planned' : 'not planned'})`,
    ),
  );
  const window = input.spec?.diagnostics?.window ?? '10mins';
  lines.push('', `Recent restarts (within ${window}):`, ...(exits.length ? exits : ['  none']));
  const conditions = status?.conditions ?? [];
  const problems = conditions.filter(isProblem);
  lines.push('', 'Active problems:');
  if (!problems.length) lines.push('  none');
  for (const c of problems)
    lines.push(`  - ${c.type}=${c.status} ${c.reason} (since ${c.lastTransitionTime})`, `    ${c.message}`);
  lines.push(
    '',
    'Conditions:',
    ...table([['TYPE', 'STATUS', 'REASON'], ...conditions.map((c) => [c.type, c.status, c.reason])]),
  );
  if (input.events.length) {
    lines.push('', 'Recent events:');
    for (const e of input.events) lines.push(`  ${e.at ?? ''} ${e.type} ${e.reason}: ${e.message}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
