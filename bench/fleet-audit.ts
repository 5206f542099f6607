// Counts the operator's own API requests from the kube-apiserver audit log (one JSON event per line).
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const OPERATOR_USER_PREFIX = 'system:serviceaccount:aurora-operator:';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
// leader election renews its Lease whatever the fleet size: shown apart, not charged to idle clusters
const FLEET_INDEPENDENT = new Set(['leases']);

export interface AuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string };
  requestReceivedTimestamp?: string;
}

/** "verb resource[/subresource]" → number of requests */
export type RequestCounts = Map<string, number>;

export interface Window {
  fromMs: number;
  toMs: number;
}

/** the key of one event made by the operator in the window, or undefined when it does not count */
export function operatorRequestKey(event: AuditEvent, window: Window): string | undefined {
  if (event.stage !== undefined && event.stage !== 'ResponseComplete' && event.stage !== 'Panic')
    return undefined;
  if (!event.user?.username?.startsWith(OPERATOR_USER_PREFIX)) return undefined;
  const at = Date.parse(event.requestReceivedTimestamp ?? '');
  if (!(at >= window.fromMs && at < window.toMs)) return undefined;
  const ref = event.objectRef;
  const resource = ref?.resource
    ? `${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}`
    : '(none)';
  return `${event.verb ?? '?'} ${resource}`;
}

/** counts the operator's requests among audit log lines; unparsable lines (a torn last line) are skipped */
export function countLines(lines: Iterable<string>, window: Window): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const line of lines) addLine(counts, line, window);
  return counts;
}

function addLine(counts: RequestCounts, line: string, window: Window): void {
  // most lines are other callers': skip them before paying for JSON.parse
  if (!line.includes(OPERATOR_USER_PREFIX)) return;
  let event: AuditEvent;
  try {
    event = JSON.parse(line) as AuditEvent;
  } catch {
    return;
  }
  const key = operatorRequestKey(event, window);
  if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
}

function verbOf(key: string): string {
  return key.split(' ')[0] ?? '';
}

function resourceOf(key: string): string {
  return (key.split(' ')[1] ?? '').split('/')[0] ?? '';
}

function pick(counts: RequestCounts, keep: (key: string) => boolean): RequestCounts {
  return new Map([...counts].filter(([key]) => keep(key)));
}

export function total(counts: RequestCounts): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

/** writes charged to the clusters: create/update/patch/delete of anything but the leader-election Lease */
export function clusterWrites(counts: RequestCounts): RequestCounts {
  return pick(counts, (k) => WRITE_VERBS.has(verbOf(k)) && !FLEET_INDEPENDENT.has(resourceOf(k)));
}

/** list calls (watches are verb "watch" in the audit log, so they never count here) */
export function lists(counts: RequestCounts): RequestCounts {
  return pick(counts, (k) => verbOf(k) === 'list');
}

/** requests the operator makes however many clusters it runs (its Lease) */
export function fleetIndependent(counts: RequestCounts): RequestCounts {
  return pick(counts, (k) => FLEET_INDEPENDENT.has(resourceOf(k)));
}

/** where the audit log ends now, so a later count reads only what came after */
export function auditOffset(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** counts the operator's requests in the window, reading the audit log from a byte offset */
export async function countAuditLog(
  path: string,
  fromOffset: number,
  window: Window,
): Promise<RequestCounts> {
  const counts: RequestCounts = new Map();
  const lines = createInterface({
    input: createReadStream(path, { start: fromOffset }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) addLine(counts, line, window);
  return counts;
}
