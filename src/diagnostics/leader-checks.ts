// The seed's checks for "no distinct leader", each answered from a signal: libprocess reachability, how the
// advertised hosts resolve, /leaderhealth answers, framework_registered and the quorum.
import type { DiagnosticSignals } from './signals.ts';

export interface LeaderCheckFacts {
  pods: ReadonlyArray<{
    name: string;
    podIP?: string | undefined;
    leaderHealth?: string | undefined;
    frameworkRegistered?: boolean | undefined;
  }>;
  signals: DiagnosticSignals | undefined;
  libprocessPort: number;
  quorum: number;
  recovered: number;
}

export function leaderChecks(f: LeaderCheckFacts): string[] {
  const findings: string[] = [];
  const reach = f.signals?.libprocessReachable ?? {};
  const unreachable = f.pods.filter((p) => p.podIP && reach[p.name] === false);
  findings.push(
    unreachable.length
      ? `LIBPROCESS_IP:LIBPROCESS_PORT not reachable from the operator: ${unreachable
          .map((p) => `${p.name} ${p.podIP}:${f.libprocessPort}`)
          .join(', ')}`
      : `every pod's LIBPROCESS_IP:LIBPROCESS_PORT (:${f.libprocessPort}) accepts connections`,
  );
  const podIPs = new Set(f.pods.map((p) => p.podIP).filter(Boolean));
  for (const a of f.signals?.advertised ?? []) {
    if (!a.address) findings.push(`${a.node} advertises ${a.host}, which does not resolve`);
    else if (!podIPs.has(a.address))
      findings.push(`${a.node} advertises ${a.host} (${a.address}), which is no scheduler pod IP`);
    else if (!a.reachable) findings.push(`${a.node} advertises ${a.host}:${a.port}, which is not reachable`);
  }
  const noLeader = f.pods.filter((p) => p.leaderHealth === 'no-leader').map((p) => p.name);
  if (noLeader.length) findings.push(`/leaderhealth answers 502 on ${noLeader.join(', ')}`);
  const registered = f.pods.filter((p) => p.frameworkRegistered === true).length;
  findings.push(`framework_registered sums to ${registered}`);
  findings.push(
    `-native_log_quorum_size=${f.quorum} with ${f.recovered} replica(s) reporting log/recovered=1` +
      (f.recovered < f.quorum ? ' (below the quorum: no replica can become the log writer)' : ''),
  );
  return findings;
}
