// Aurora's serverset: the leader's `member_` node (Gson JSON) and how followers find the leader.
import zookeeper from 'node-zookeeper-client';
import type { ZkSession } from './zk-client.ts';

export interface Endpoint {
  host: string;
  port: number;
}

/** Exactly Aurora's field order: serviceEndpoint, additionalEndpoints, status. */
export function encodeMember(endpoint: Endpoint, endpointName: string): string {
  const ep = { host: endpoint.host, port: endpoint.port };
  return JSON.stringify({
    serviceEndpoint: ep,
    additionalEndpoints: { [endpointName]: ep },
    status: 'ALIVE',
  });
}

export function decodeMember(data: string): Endpoint | undefined {
  try {
    const parsed = JSON.parse(data) as { serviceEndpoint?: { host?: unknown; port?: unknown } };
    const se = parsed.serviceEndpoint;
    if (!se || typeof se.host !== 'string') return undefined;
    return { host: se.host, port: Number(se.port) };
  } catch {
    return undefined;
  }
}

export async function advertise(
  zk: ZkSession,
  path: string,
  endpoint: Endpoint,
  name: string,
): Promise<string> {
  await zk.mkdirp(path);
  const data = Buffer.from(encodeMember(endpoint, name));
  return zk.create(`${path}/member_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
}

export type LeaderLookup =
  { kind: 'none' } | { kind: 'ambiguous'; count: number } | { kind: 'one'; leader: Endpoint };

/** Reads the `member_` children: one is a known leader, zero or several means unknown. */
export async function lookupLeader(zk: ZkSession, path: string): Promise<LeaderLookup> {
  const members = (await zk.children(path)).filter((c) => c.startsWith('member_'));
  if (members.length === 0) return { kind: 'none' };
  if (members.length > 1) return { kind: 'ambiguous', count: members.length };
  const data = await zk.data(`${path}/${members[0] ?? ''}`);
  const leader = data ? decodeMember(data.toString('utf8')) : undefined;
  return leader ? { kind: 'one', leader } : { kind: 'none' };
}
