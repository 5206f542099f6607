// Mesos zookeeper::Group membership for log replicas: plain 10-digit sequential children holding the PID.
import zookeeper from 'node-zookeeper-client';
import PathModule from 'node-zookeeper-client/lib/Path.js';
import type { ZkSession } from './zk-client.ts';

const originalValidate = PathModule.validate;
// Mesos creates `<group>/` + sequence; the client refuses a trailing slash, so allow exactly that case.
PathModule.validate = (path: string): void =>
  originalValidate(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/** libprocess PID of the replica process, e.g. `log-replica(1)@127.0.50.1:8083`. */
export function replicaPid(ip: string, port: number): string {
  return `log-replica(1)@${ip}:${port}`;
}

export function pidToUrl(pid: string): string | undefined {
  const m = /@([^:]+):(\d+)$/.exec(pid.trim());
  return m ? `http://${m[1]}:${m[2]}` : undefined;
}

export async function joinGroup(zk: ZkSession, groupPath: string, pid: string): Promise<string> {
  await zk.mkdirp(groupPath);
  return zk.create(`${groupPath}/`, Buffer.from(pid), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
}

/** PIDs of all current members (ours included). */
export async function groupMembers(zk: ZkSession, groupPath: string): Promise<string[]> {
  const children = (await zk.children(groupPath)).filter((c) => /^\d{10}$/.test(c)).sort();
  const pids = await Promise.all(
    children.map(async (c) => (await zk.data(`${groupPath}/${c}`))?.toString('utf8')),
  );
  return pids.filter((p): p is string => typeof p === 'string' && p.length > 0);
}
