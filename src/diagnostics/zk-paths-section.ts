// The `diagnose` report's ZooKeeper section: which paths the cluster uses, which AuroraCluster or marker
// disputes them, who else takes part in them, and the fix. Pure: the command reads, this only words it.
import type { AuroraClusterSpec } from '../api/aurora-cluster.ts';
import type { MarkerObservation } from '../cluster/plan-log-init.ts';
import { describeZkPathConflict, type ZkPathConflict } from '../cluster/plan-conflicts.ts';

export interface ZkPathsInput {
  namespace: string;
  name: string;
  spec: Partial<AuroraClusterSpec> | undefined;
  /** set when an AuroraCluster created earlier holds overlapping paths: this cluster is the one refused */
  conflict?: ZkPathConflict | undefined;
  /** AuroraClusters created later that are refused because they overlap this one's paths */
  refused: ReadonlyArray<{ namespace: string; name: string }>;
  /** why the other AuroraClusters could not be listed (e.g. no permission across namespaces) */
  peersError?: string | undefined;
  marker?: { path: string; read: MarkerObservation; sameOwner: boolean } | undefined;
  /** participants at addresses of no pod of this cluster; undefined when ZooKeeper was not read */
  foreign?: readonly string[] | undefined;
  /** why ZooKeeper was not read from here */
  zkNotRead?: string | undefined;
}

function patchCommand(namespace: string, name: string): string {
  const patch = JSON.stringify({
    spec: {
      serversetPath: `/aurora/${name}/scheduler`,
      replicatedLog: { zkGroupPath: `/aurora/${name}/replicated-log` },
    },
  });
  return `kubectl -n ${namespace} patch auroracluster ${name} --type=merge -p '${patch}'`;
}

function markerLine(input: ZkPathsInput): string | undefined {
  const m = input.marker;
  if (!m) return undefined;
  const r = m.read;
  if (r.kind === 'absent') return `Log owner marker ${m.path}: none (no cluster has claimed the log yet)`;
  if (r.kind === 'unreadable') return `Log owner marker ${m.path}: not readable from here (${r.error})`;
  if (r.kind === 'unparsable') return `Log owner marker ${m.path}: exists but is not an operator marker`;
  const o = r.marker;
  const where = o.kubernetesCluster ? ` in Kubernetes cluster ${o.kubernetesCluster}` : '';
  const whose = m.sameOwner ? 'this cluster' : 'ANOTHER cluster';
  return (
    `Log owner marker ${m.path}: ${o.namespace}/${o.name}${where} (${whose}), ${o.state} at ` +
    `${o.initializedAt ?? o.createdAt}`
  );
}

export function buildZkPathsSection(input: ZkPathsInput): string[] {
  const { spec, namespace, name } = input;
  const zk = spec?.zookeeper;
  const chroot = zk?.chrootPath ? ` (chroot ${zk.chrootPath})` : '';
  const lines = [
    `ZooKeeper: serverset ${spec?.serversetPath ?? '?'}${chroot}, replicated log ` +
      `${spec?.replicatedLog?.zkGroupPath ?? '?'} on ${zk?.endpoints?.join(',') ?? '?'}`,
  ];
  if (input.conflict) {
    lines.push(
      `  CONFLICT: ${describeZkPathConflict(input.conflict)}`,
      `  Fix: this cluster is the newer one; give it its own paths, e.g.`,
      `    ${patchCommand(namespace, name)}`,
    );
  }
  for (const later of input.refused) {
    lines.push(
      `  ${later.namespace}/${later.name} (created later) shares these paths and is refused; this cluster is ` +
        `untouched. Fix the newer one: ${patchCommand(later.namespace, later.name)}`,
    );
  }
  if (input.peersError) lines.push(`  Other AuroraClusters not compared: ${input.peersError}`);
  const marker = markerLine(input);
  if (marker) lines.push(`  ${marker}`);
  if (input.marker?.read.kind === 'present' && !input.marker.sameOwner) {
    lines.push(
      `  Fix: give this cluster its own spec.replicatedLog.zkGroupPath and spec.serversetPath; delete the znode ` +
        `${input.marker.path} only if its owner is gone for good and its log is not needed.`,
    );
  }
  if (input.zkNotRead) lines.push(`  Participants not read: ${input.zkNotRead}`);
  else if (input.foreign?.length) {
    lines.push(
      `  Foreign members (not pods of this cluster): ${input.foreign.join(', ')}`,
      '  Fix: stop those schedulers, or move this cluster to its own paths; the log is never initialized ' +
        'while they take part.',
    );
  } else if (input.foreign) lines.push('  Foreign members: none');
  return lines;
}
