// Reads who takes part in a cluster's ZooKeeper paths beyond the serverset's leader: every participant of the
// leader election (Curator lock nodes, data = advertised host) and every replica of the native log's group
// (10-digit sequential nodes, data = libprocess PID `log-replica(1)@ip:port`).
import zookeeper from 'node-zookeeper-client';
import { withTimeout, type ZkSessions, type ZooKeeperTarget } from './zk-sessions.ts';

export interface ZkParticipant {
  node: string;
  /** the address the participant names: advertised host, or the PID's ip */
  host: string;
  /** the node's data as written, for a person to read */
  data: string;
}

export interface ZkMembershipReader {
  /** election participants under the serverset path (chrooted like the serverset) */
  readElection(target: ZooKeeperTarget, serversetPath: string): Promise<ZkParticipant[]>;
  /** replicas in the log group (never chrooted: pass a target without chrootPath) */
  readLogGroup(target: ZooKeeperTarget, groupPath: string): Promise<ZkParticipant[]>;
}

const ELECTION_NODE = /^_c_[0-9a-f-]+-lock-\d{10}$/;
const LOG_GROUP_NODE = /^\d{10}$/;

/** hostOfPid: the ip of a libprocess PID such as `log-replica(1)@127.0.0.5:8083`. */
export function hostOfPid(pid: string): string | undefined {
  const match = /@([^:@]+):\d+$/.exec(pid.trim());
  return match?.[1];
}

export function createZkMembershipReader(sessions: ZkSessions): ZkMembershipReader {
  const ms = sessions.timeoutMs;
  const read = async (
    target: ZooKeeperTarget,
    path: string,
    pattern: RegExp,
    hostOf: (data: string) => string | undefined,
  ): Promise<ZkParticipant[]> => {
    const client = await sessions.clientFor(target);
    const children = await withTimeout<string[]>('getChildren', ms, (done) =>
      client.getChildren(path, null, (err, names) => {
        if (err && err.getCode() === zookeeper.Exception.NO_NODE) done(null, []);
        else done(err, names);
      }),
    );
    const participants: ZkParticipant[] = [];
    for (const node of children.filter((n) => pattern.test(n)).sort()) {
      const buf = await withTimeout<Buffer | undefined>('getData', ms, (done) =>
        client.getData(`${path}/${node}`, null, (err, data) => {
          // a participant that left between the two reads is simply gone
          if (err && err.getCode() === zookeeper.Exception.NO_NODE) done(null, undefined);
          else done(err, data);
        }),
      );
      const data = buf?.toString('utf8') ?? '';
      const host = hostOf(data);
      if (buf && host) participants.push({ node, host, data });
    }
    return participants;
  };
  return {
    readElection: (target, path) => read(target, path, ELECTION_NODE, (d) => d.trim() || undefined),
    readLogGroup: (target, path) => read(target, path, LOG_GROUP_NODE, hostOfPid),
  };
}
